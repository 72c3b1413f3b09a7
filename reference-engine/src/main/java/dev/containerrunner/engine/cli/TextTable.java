package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.HumanText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for people: a header row in capitals, columns padded to their widest cell and
 * separated by two spaces, no control sequences: cells go through {@link #oneLine}. When a width limit is given, the last column is cut
 * (ending in {@code ...}) so that no row is wider. Not thread-safe.
 */
final class TextTable {

    private static final String GAP = "  ";
    private static final String CUT = "...";

    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; null cells print as empty, line breaks as spaces, other control characters escaped ({@link #oneLine}). */
    TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : oneLine(c.toString())).toArray(String[]::new));
        return this;
    }

    /**
     * The table's lines, each ending in a line break, indented by {@code indent}.
     *
     * @param maxWidth the widest a line may be, in characters; 0 or less for no limit
     */
    String render(String indent, int maxWidth) {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, indent, headers.toArray(String[]::new), widths, maxWidth);
        for (String[] row : rows) {
            line(sb, indent, row, widths, maxWidth);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String indent, String[] cells, int[] widths, int maxWidth) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < cells.length; c++) {
            boolean last = c == cells.length - 1;
            line.append(last ? cells[c] : pad(cells[c], widths[c])).append(last ? "" : GAP);
        }
        sb.append(fit(stripTrailing(line), maxWidth)).append('\n');
    }

    /** {@code text} cut to {@code maxWidth} characters, ending in {@code ...} when cut; no limit when 0 or less. */
    static String fit(String text, int maxWidth) {
        if (maxWidth <= 0 || text.length() <= maxWidth) {
            return text;
        }
        String cut = maxWidth > CUT.length() ? CUT : "";
        int end = maxWidth - cut.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never half a character
        }
        return text.substring(0, end) + cut;
    }

    /**
     * {@code text} on one line: tabs and line breaks become spaces (a cell's text wraps into one
     * line), and every other character of {@link HumanText}'s rule is escaped visibly ({@code \x1b},
     * {@code \u202e}, {@code \u2028}...).
     */
    static String oneLine(String text) {
        return HumanText.line(text.replace('\t', ' ').replace('\r', ' ').replace('\n', ' '));
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String stripTrailing(StringBuilder line) {
        return line.toString().stripTrailing();
    }
}
