package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WholeNumbersTest {

    static Stream<Object> notWhole() {
        return Stream.of(5.0, 5.5, 5.0f, Double.NaN, Double.NEGATIVE_INFINITY, -0.0, new BigDecimal("5.5"),
                new BigDecimal("1E-400"), "5", "05", "0x5", "", true, false, List.of(5), new java.util.concurrent.atomic.AtomicLong(5));
    }

    @ParameterizedTest
    @MethodSource("notWhole")
    void onlyIntegralJsonNumbersAreWhole(Object value) {
        assertTrue(WholeNumbers.exact(value).isEmpty());
        assertThrows(WholeNumbers.NotWhole.class, () -> WholeNumbers.inRange(value, 1, 10));
    }

    static Stream<Object> outOfRange() {
        return Stream.of(0, 11, -1, Long.MIN_VALUE, Long.MAX_VALUE, new BigInteger("18446744073709551621"),
                new BigInteger("18446744073709551616"), new BigInteger("-18446744073709551611"), new BigDecimal("1E+19"),
                new BigDecimal("1E+2147483647"), new BigDecimal("-1E+2147483647"));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void nothingWraps(Object value) {
        WholeNumbers.OutOfRange e = assertThrows(WholeNumbers.OutOfRange.class, () -> WholeNumbers.inRange(value, 1, 10));
        assertTrue(e.getMessage().contains("(allowed: 1 to 10)"), e.getMessage());
    }

    @Test
    void theExactValueIsKept() {
        assertEquals(Long.MAX_VALUE, WholeNumbers.inRange(new BigInteger(String.valueOf(Long.MAX_VALUE)), 0, Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, WholeNumbers.inRange(Long.MIN_VALUE, Long.MIN_VALUE, 0));
        assertEquals(500, WholeNumbers.inRange(new BigDecimal("5E+2"), 1, 1000));
        assertEquals(7, WholeNumbers.inRange((byte) 7, 1, 10));
        assertEquals("must be at most 10 (allowed: 1 to 10), got 18446744073709551621",
                assertThrows(IllegalArgumentException.class,
                        () -> WholeNumbers.inRange(new BigInteger("18446744073709551621"), 1, 10)).getMessage());
    }
}
