package dev.containerrunner.plugin.model;

/**
 * The numeric user and group every container runs as (the {@code user} key), read by value.
 *
 * <p>Both ids are in {@code 1..2147483647}: uid 0 is root and gid 0 is the root group (it opens
 * every group-root file of the image), so neither is allowed; ids above {@code 2^31-1} are not
 * valid on Kubernetes and {@code 4294967295} is {@code (uid_t) -1}. Written as decimal digits only:
 * no sign, no leading zero, no whitespace, no names ({@code "00"}, {@code "+0"}, {@code "0x0"},
 * {@code " 1"} are refused, not read as something else). A uid alone means the same gid: the engine
 * would otherwise take the group from the image's {@code /etc/passwd}, or gid 0 when the uid is not
 * listed there, and add the image's supplementary groups.
 *
 * @param uid the user id, 1..2147483647
 * @param gid the group id, 1..2147483647
 */
public record ContainerUser(int uid, int gid) {

    /** The default: {@code nobody:nogroup}. */
    public static final ContainerUser NOBODY = new ContainerUser(65534, 65534);

    public ContainerUser {
        if (uid < 1 || gid < 1) {
            throw new IllegalArgumentException("uid and gid must be from 1 to " + Integer.MAX_VALUE + ", got " + uid + ":" + gid);
        }
    }

    /**
     * Parses {@code uid} or {@code uid:gid}.
     *
     * @throws IllegalArgumentException saying which id is wrong and why
     */
    public static ContainerUser parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("must be 'uid' or 'uid:gid' with numeric ids, e.g. '65534:65534', got '" + text + "'");
        }
        int uid = id(parts[0], "uid", text);
        return new ContainerUser(uid, parts.length == 2 ? id(parts[1], "gid", text) : uid);
    }

    /**
     * One id of {@code text} (a uid or gid written as decimal digits), read by the same rules as the
     * {@code user} key: 1..2147483647, no sign, space, name or leading zero.
     *
     * @param what "uid" or "gid", for the message
     * @throws IllegalArgumentException saying what is wrong
     */
    public static int id(String digits, String what, String text) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("must be 'uid' or 'uid:gid' with numeric ids (decimal digits only, no sign,"
                    + " space or name), e.g. '65534:65534', got '" + text + "'");
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.equals("0")) {
            throw new IllegalArgumentException(what.equals("uid")
                    ? "must not be root: '" + text + "' is uid 0 (containers always run as non-root)"
                    : "must not use the root group: '" + text + "' is gid 0 (it grants the image's group-root files);"
                    + " give a non-zero gid, e.g. '65534:65534'");
        }
        if (significant.length() > 10 || Long.parseLong(significant) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the " + what + " in '" + text + "' is out of range: ids are 1 to "
                    + Integer.MAX_VALUE);
        }
        if (!significant.equals(digits)) {
            throw new IllegalArgumentException("the " + what + " in '" + text + "' has leading zeros; write "
                    + significant);
        }
        return Integer.parseInt(digits);
    }

    /** {@code uid:gid}, e.g. {@code 65534:65534}: what the engines are given. */
    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}
