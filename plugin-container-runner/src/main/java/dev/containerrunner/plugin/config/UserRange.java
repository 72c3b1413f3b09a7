package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ContainerUser;

/**
 * One entry of {@code allowed_users}: the uids and gids a task may ask for with its {@code user}
 * kwarg. Written {@code "1000-1999"} (uids and gids both in 1000..1999), {@code "1000-1999:2000"}
 * (uids in 1000..1999, gid 2000), {@code "1500"} (uid and gid 1500) or {@code "1500:1500-1600"}.
 * Ids follow the {@code user} key's rules ({@link ContainerUser#id}): 1..2147483647, so uid 0 and
 * gid 0 are never admitted.
 *
 * @param uidFrom lowest uid admitted
 * @param uidTo   highest uid admitted
 * @param gidFrom lowest gid admitted
 * @param gidTo   highest gid admitted
 */
public record UserRange(int uidFrom, int uidTo, int gidFrom, int gidTo) {

    public UserRange {
        if (uidFrom < 1 || gidFrom < 1 || uidFrom > uidTo || gidFrom > gidTo) {
            throw new IllegalArgumentException("not a valid range: " + uidFrom + "-" + uidTo + ":" + gidFrom + "-" + gidTo);
        }
    }

    /**
     * Parses {@code uids[:gids]} where each is {@code id} or {@code from-to}; without gids the gids
     * are the same range as the uids.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static UserRange parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("must be 'uids' or 'uids:gids', each an id or a range 'from-to' (e.g."
                    + " '1000-1999' or '1000-1999:1000'), got '" + text + "'");
        }
        int[] uids = range(parts[0], "uid", text);
        int[] gids = parts.length == 2 ? range(parts[1], "gid", text) : uids;
        return new UserRange(uids[0], uids[1], gids[0], gids[1]);
    }

    private static int[] range(String part, String what, String text) {
        String[] ends = part.split("-", -1);
        if (ends.length > 2) {
            throw new IllegalArgumentException("the " + what + "s in '" + text + "' must be an id or a range 'from-to'");
        }
        int from = ContainerUser.id(ends[0], what, text);
        int to = ends.length == 2 ? ContainerUser.id(ends[1], what, text) : from;
        if (from > to) {
            throw new IllegalArgumentException("the " + what + " range in '" + text + "' is empty (" + from + " > " + to + ")");
        }
        return new int[] {from, to};
    }

    /** Whether {@code user} is inside this range. */
    public boolean admits(ContainerUser user) {
        return user.uid() >= uidFrom && user.uid() <= uidTo && user.gid() >= gidFrom && user.gid() <= gidTo;
    }

    /** The canonical form, e.g. {@code 1000-1999:1000-1999}. */
    @Override
    public String toString() {
        return span(uidFrom, uidTo) + ":" + span(gidFrom, gidTo);
    }

    private static String span(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
