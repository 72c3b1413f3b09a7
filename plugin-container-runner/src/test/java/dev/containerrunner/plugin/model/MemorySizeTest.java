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

    @ParameterizedTest
    @CsvSource({"512m, 512m", "1024m, 1g", "1536m, 1536m", "100, 100b"})
    void printsShortestForm(String in, String out) {
        assertEquals(out, MemorySize.parse(in).toString());
    }
}
