package dev.containerrunner.engine;

/** Finds and shows half surrogate pairs: UTF-16 code units that are not Unicode text. Stateless, thread-safe. */
final class UnicodeText {

    private UnicodeText() {
    }

    /** The index of the first high surrogate not followed by a low one, or low surrogate not after a high one; -1 if none. */
    static int unpairedSurrogate(String text) {
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

    /** {@code text} with each unpaired surrogate written as {@code \\uXXXX}; the same instance when it has none. */
    static String escapeUnpairedSurrogates(String text) {
        int first = unpairedSurrogate(text);
        if (first < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
