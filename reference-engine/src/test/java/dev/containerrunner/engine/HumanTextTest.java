package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HumanTextTest {

    @Test
    void everyCharacterOfTheRuleIsEscapedVisibly() {
        assertEquals("a\\rb\\nc\\td\\x00e\\x1b[2Kf\\x07g\\x7fh", HumanText.line("a\rb\nc\td\u0000e\u001b[2Kf\u0007g\u007fh"));
        assertEquals("\\x80\\x85\\x9b2K\\x9f", HumanText.line("\u0080\u0085\u009b2K\u009f"), "C1, NEL and CSI");
        assertEquals("\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c",
                HumanText.line("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"), "bidi controls");
        assertEquals("z\\u2028[forge #] LS\\u2029PS", HumanText.line("z\u2028[forge #] LS\u2029PS"), "line/paragraph separators");
        assertEquals("benign\\r[deploy #] container exited 0: all checks passed\\x1b]0;pwned\\x07",
                HumanText.line("benign\r[deploy #] container exited 0: all checks passed\u001b]0;pwned\u0007"));
    }

    @Test
    void ordinaryTextIsUntouchedAndTaskLinesKeepTabs() {
        String text = "h\u00e9llo \u2713 \uD83C\uDF89 \\x1b \u00a0 \u200b \u2027 \u202f \u2065 \u206a";
        assertSame(text, HumanText.line(text));
        assertEquals("a\tb\\r", HumanText.taskLine("a\tb\r"));
        assertEquals("a\\tb", HumanText.line("a\tb"));
        assertEquals("null", HumanText.line(null));
        assertEquals(HumanText.line("x\u001by"), HumanText.line(HumanText.line("x\u001by")), "escaping twice changes nothing");
        for (char c = 0; c < 0xffff; c++) {
            String once = HumanText.line(String.valueOf(c));
            assertTrue(once.chars().noneMatch(ch -> HumanText.unsafe((char) ch)), "U+" + Integer.toHexString(c));
        }
    }
}
