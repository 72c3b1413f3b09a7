package dev.containerrunner.plugin.model;

/**
 * Checks that a string read from configuration or kwargs is well-formed Unicode: no unpaired UTF-16
 * surrogate ({@code U+D800..U+DFFF} without its partner). Such a string has no UTF-8 form; left in,
 * it would reach the container as {@code ?} or {@code U+FFFD} instead of what was written. The
 * reference engine refuses such files, but another engine may hand them to the plugin.
 *
 * @apiNote stateless and thread-safe
 */
public final class WellFormedText {

    private WellFormedText() {
    }

    /**
     * The index of the first unpaired surrogate in {@code text}, or -1 when there is none.
     */
    public static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong with {@code text} (starting with "holds"), or empty when it is well-formed. */
    public static java.util.Optional<String> problem(String text) {
        int at = unpairedSurrogate(text);
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(String.format("holds an unpaired UTF-16 surrogate"
                + " (U+%04X at index %d): it is not valid Unicode and has no UTF-8 form, so it could not arrive as written",
                (int) text.charAt(at), at));
    }

    /**
     * Returns {@code text} when it is well-formed.
     *
     * @throws IllegalArgumentException naming the surrogate and its index (the caller names the key)
     */
    public static String check(String text) {
        problem(text).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return text;
    }
}
