package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** TextTable, Durations and Terminals: the small parts of the human output. */
class TextFormatTest {

    @Test
    void tablesPadColumnsAndCutOnlyWhenAWidthIsGiven() {
        TextTable t = new TextTable("NAME", "DOC").row("a", "one\ttwo\nthree").row("longer", null);
        assertEquals("NAME    DOC\na       one two three\nlonger\n", t.render("", 0));
        assertEquals("  NAME    DOC\n  a       one tw...\n  longer\n", t.render("  ", 19));
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        assertEquals("ab...", TextTable.fit("abcdefgh", 5));
        assertEquals("ab", TextTable.fit("abcdefgh", 2));
        assertEquals("a...", TextTable.fit("a\uD83C\uDF89bcdef", 5), "never half a surrogate pair");
    }

    @Test
    void durationsReadLikeAPersonWouldWriteThem() {
        assertEquals("0.04s", Durations.seconds(0.043));
        assertEquals("12.3s", Durations.seconds(12.34));
        assertEquals("2m05s", Durations.seconds(125.2));
        assertEquals("1h01m01s", Durations.seconds(3661));
        assertEquals("00:00", Durations.clock(0.9));
        assertEquals("02:05", Durations.clock(125.9));
        assertEquals("1:00:00", Durations.clock(3600));
    }

    @Test
    void inTestsNeitherStreamIsATerminalAndDumbTerminalsNeverAre() {
        Terminals t = Terminals.detect(Map.of());
        assertFalse(t.stdout() || t.stderr(), "surefire's streams are pipes or files");
        assertEquals(Terminals.NONE, Terminals.detect(Map.of("TERM", "dumb")));
        assertEquals(80, t.stderrColumns().getAsInt());
    }
}
