package dev.containerrunner.plugin.execution;

/**
 * Makes text that a container chose (its output lines, its file names) safe to write into the
 * runner's log: control characters cannot move the cursor, rewrite a line, change colours or start
 * a forged line. Captured result bytes are never passed through this; only log lines are.
 */
public final class LogText {

    private LogText() {
    }

    /**
     * {@code text} with every C0/C1 control character except tab (NEL U+0085 included), DEL, the
     * Unicode line and paragraph separators (U+2028, U+2029: some terminals and log viewers start a
     * new line there) and the bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
     * written as visible escapes ({@code \r}, {@code \n}, {@code \x1b}, {@code \u2028}). The
     * escapes are printable ASCII, so neutralising twice changes nothing. Returns the same instance
     * when nothing needed escaping. Thread-safe (pure).
     */
    public static String neutralize(String text) {
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c
                || c == 0x2028 || c == 0x2029;
    }
}
