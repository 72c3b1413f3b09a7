package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** collect_output's budget keys: defaults, ranges by value, and their relation to max_inline_bytes. */
class CollectLimitsTest {

    @Test
    void defaultsAreSane() {
        CollectLimits d = RunnerConfig.defaults().collectLimits();
        assertEquals(new CollectLimits(16L << 20, 1000, Duration.ofSeconds(600), 256L << 20), d);
        assertEquals(CollectLimits.defaults(), d);
    }

    @Test
    void eachKeyIsRead() {
        CollectLimits c = RunnerConfig.from(Map.of("max_inline_total_bytes", 1 << 21, "max_collect_entries", 5,
                "collect_timeout_seconds", 30, "max_collect_skip_bytes", 0)).collectLimits();
        assertEquals(new CollectLimits(1 << 21, 5, Duration.ofSeconds(30), 0), c);
        assertEquals(1L << 40, RunnerConfig.from(Map.of("max_collect_skip_bytes", 1L << 40)).collectLimits().maxSkipBytes());
    }

    @Test
    void theTotalFollowsALargerMaxInlineBytesAndMayNotBeBelowIt() {
        assertEquals(32L << 20, RunnerConfig.from(Map.of("max_inline_bytes", 32 << 20)).collectLimits().maxInlineTotalBytes());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(Map.of(
                "max_inline_bytes", 2 << 20, "max_inline_total_bytes", 1 << 20)));
        assertEquals("max_inline_total_bytes", e.key());
        assertTrue(e.getMessage().contains("below max_inline_bytes (2097152)"), e.getMessage());
    }

    static Stream<Arguments> badValues() {
        List<Object> shapes = List.of(new BigInteger("18446744073709551621"), Long.MAX_VALUE, Long.MIN_VALUE, -1,
                new BigDecimal("1E+30"), new BigDecimal("5.5"), 5.5, 300.0, Double.NaN, "300", true, List.of(300));
        Stream<Arguments> everyShape = Stream.of("max_inline_total_bytes", "max_collect_entries", "collect_timeout_seconds",
                "max_collect_skip_bytes").flatMap(k -> shapes.stream().map(v -> Arguments.of(k, v)));
        return Stream.concat(everyShape, Stream.of(Arguments.of("max_inline_total_bytes", (512L << 20) + 1),
                Arguments.of("max_collect_entries", 0), Arguments.of("max_collect_entries", 100_001),
                Arguments.of("collect_timeout_seconds", 0), Arguments.of("collect_timeout_seconds", 86_401),
                Arguments.of("max_collect_skip_bytes", (1L << 40) + 1)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badValues")
    void outOfRangeOrMistypedValuesAreRefusedNamingTheKeyAndRange(String key, Object value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RunnerConfig.from(Map.of(key, value)));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(" to "), "names the range: " + e.getMessage());
    }
}
