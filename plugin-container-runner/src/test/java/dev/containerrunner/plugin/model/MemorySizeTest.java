package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {

    @ParameterizedTest
    @CsvSource({"512m, 536870912", "512M, 536870912", "2g, 2147483648", "2G, 2147483648", "64k, 65536",
        "100, 100", "100b, 100", "1gb, 1073741824", "32MB, 33554432"})
    void parses(String text, long bytes) {
        assertEquals(bytes, MemorySize.parse(text).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "0", "0m", "-1m", "1.5g", "1t", "12 mb x", "1e9", "lots"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(text));
        assertEquals(true, e.getMessage().contains("b, k, m or g"), e.getMessage());
    }

    /** Issue 14 re-run, finding 13: every spelling accepted before stays accepted, read as binary units. */
    @ParameterizedTest
    @CsvSource({"1, 1", "7B, 7", "1k, 1024", "1K, 1024", "1kb, 1024", "1KB, 1024", "1Kb, 1024", "1kB, 1024",
        "512mb, 536870912", "512Mb, 536870912", "1gb, 1073741824", "1GB, 1073741824", "4G, 4294967296", "4gB, 4294967296"})
    void acceptsTheDocumentedGrammarInAnyCaseWithBinaryUnits(String text, long bytes) {
        assertEquals(bytes, MemorySize.parse(text).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1bb", "1kib", "1gib", "1t", "1tb", "1mbb", "1 g", "1gB "})
    void refusesWhatTheGrammarDoesNotName(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(text));
        assertEquals(true, e.getMessage().contains("case-insensitive; binary: k = 1024; kb, mb and gb mean k, m and g"),
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"512m, 512m", "1024m, 1g", "1536m, 1536m", "100, 100b"})
    void printsShortestForm(String in, String out) {
        assertEquals(out, MemorySize.parse(in).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0512m", "00m", "000", "+512m", " 512m", "512m ", "512 m", "512\tm", "512mm", "512bb", "512kk",
        "0x200m", "512m\n", "\u0665\u0661\u0662m", "99999999999999999999g", "8589934592g", "9007199254740992m",
        "9223372036854775808", "9223372036854775808b", "18446744073709551621", "99999999999999999999999999999999999999"})
    void rejectsEveryOtherSpellingAndEveryOverflow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(text));
        assertEquals(true, e.getMessage().contains("b, k, m or g"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"8589934591g, 9223372035781033984", "9223372036854775807, 9223372036854775807",
        "9223372036854775807b, 9223372036854775807", "8796093022207m, 9223372036853727232", "1kb, 1024", "1KB, 1024"})
    void theLargestSizesStillFit(String text, long bytes) {
        assertEquals(bytes, MemorySize.parse(text).bytes());
    }

    @ParameterizedTest
    @CsvSource({"8589934592g, at most 8589934591g", "0512m, without leading zeros"})
    void saysWhy(String text, String why) {
        String message = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(text)).getMessage();
        assertEquals(true, message.contains(why), message);
    }
}
