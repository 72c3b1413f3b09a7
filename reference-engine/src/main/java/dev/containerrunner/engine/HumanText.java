package dev.containerrunner.engine;

/**
 * Makes text safe to print for people on a terminal: every line the engine writes (CLI messages,
 * progress lines, tables, the task log lines it prints for the apps) goes through here, so that no
 * text from a workflow, a configuration, a plugin or a container can move the cursor, rewrite or
 * forge a line, change colours or reorder what is shown. The rule is the plugin's {@code LogText}
 * rule (the engine cannot import the plugin), with the line and paragraph separators added:
 * C0 controls ({@code \r}, {@code \n}, NUL, ESC...), DEL, C1 controls (U+0080 to U+009F, NEL
 * included), the bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F,
 * U+061C) and U+2028/U+2029 are written as visible escapes: {@code \r}, {@code \n}, {@code \t},
 * {@code \x1b}, {@code \u202e}. A backslash is left as it is. JSON documents never go through
 * here: they are exact. Stateless and thread-safe.
 */
public final class HumanText {

    private HumanText() {
    }

    /**
     * {@code text} for a one-line context (a message, a progress line, a table cell): every
     * character of the rule, tab included, escaped. The same instance when nothing needed escaping;
     * {@code "null"} for null.
     */
    public static String line(String text) {
        return escape(String.valueOf(text), false);
    }

    /**
     * A log line a task produced (through its app), printed after its {@code [task_id]} prefix: as
     * {@link #line} but tabs are kept, as the plugin's {@code LogText} keeps them (they cannot move
     * the cursor back or start a line). {@code "null"} for null.
     */
    public static String taskLine(String text) {
        return escape(String.valueOf(text), true);
    }

    /** Whether {@code c} is escaped by {@link #line} (tab included). */
    public static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c || c == 0x2028 || c == 0x2029;
    }

    private static String escape(String text, boolean keepTab) {
        int first = firstUnsafe(text, keepTab);
        if (first < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c) || (keepTab && c == '\t')) {
                b.append(c);
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static int firstUnsafe(String text, boolean keepTab) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c) && !(keepTab && c == '\t')) {
                return i;
            }
        }
        return -1;
    }
}
