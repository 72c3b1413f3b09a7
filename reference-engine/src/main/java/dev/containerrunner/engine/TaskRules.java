package dev.containerrunner.engine;

import dev.containerrunner.spi.FailureReason;
import dev.containerrunner.spi.ParameterType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a task's {@code retry} and {@code exit_codes} from a workflow file, strictly: every key is
 * known, every value of its type and range, compared by its exact value (a number out of range,
 * however large, is refused, never wrapped). Each problem is a {@link WorkflowDefinitionException}
 * naming the key and the allowed values.
 *
 * <pre>
 * retry: {max_attempts: 3, initial_backoff_seconds: 1, backoff_factor: 2, max_backoff_seconds: 60,
 *         on: [registry_unreachable, engine_lost]}   # default on: every retryable reason
 * exit_codes: {skip: [99]}
 * </pre>
 */
final class TaskRules {

    /** The most any single backoff may be, in seconds (one hour). */
    static final double MAX_BACKOFF_SECONDS = 3600;
    /** The largest backoff_factor. */
    static final double MAX_FACTOR = 10;

    private static final Set<String> RETRY_KEYS = Set.of("max_attempts", "initial_backoff_seconds", "backoff_factor",
            "max_backoff_seconds", "on");
    private static final Set<String> EXIT_CODE_KEYS = Set.of("skip");

    private TaskRules() {
    }

    /** The task's retry policy from its {@code retry} value (null: {@link RetryPolicy#NONE}). */
    static RetryPolicy retry(Object value, String where) {
        if (value == null) {
            return RetryPolicy.NONE;
        }
        Map<String, Object> m = object(value, where, "retry", RETRY_KEYS);
        RetryPolicy defaults = RetryPolicy.of(3);
        int attempts = m.containsKey("max_attempts") ? (int) whole(m.get("max_attempts"), where, "retry.max_attempts",
                RetryPolicy.MIN_ATTEMPTS, RetryPolicy.MAX_ATTEMPTS) : defaults.maxAttempts();
        Double givenInitial = m.containsKey("initial_backoff_seconds") ? number(m.get("initial_backoff_seconds"), where,
                "retry.initial_backoff_seconds", 0, MAX_BACKOFF_SECONDS) : null;
        Double givenMax = m.containsKey("max_backoff_seconds") ? number(m.get("max_backoff_seconds"), where,
                "retry.max_backoff_seconds", 0, MAX_BACKOFF_SECONDS) : null;
        double factor = m.containsKey("backoff_factor") ? number(m.get("backoff_factor"), where, "retry.backoff_factor", 1,
                MAX_FACTOR) : defaults.backoffFactor();
        // a default gives way to what is written: max 0.5 alone means initial 0.5, initial 90 alone means max 90
        double initial = givenInitial != null ? givenInitial : Math.min(seconds(defaults.initialBackoff()),
                givenMax != null ? givenMax : Double.MAX_VALUE);
        double max = givenMax != null ? givenMax : Math.max(seconds(defaults.maxBackoff()), initial);
        if (max < initial) {
            throw new WorkflowDefinitionException(where + ": retry.max_backoff_seconds (" + plain(max) + ") must be at least"
                    + " retry.initial_backoff_seconds (" + plain(initial) + ")");
        }
        Set<FailureReason> on = m.containsKey("on") ? reasons(m.get("on"), where) : defaults.on();
        return new RetryPolicy(attempts, millis(initial), factor, millis(max), on);
    }

    /** The task's exit code meanings from its {@code exit_codes} value (null: {@link ExitCodes#NONE}). */
    static ExitCodes exitCodes(Object value, String where) {
        if (value == null) {
            return ExitCodes.NONE;
        }
        Map<String, Object> m = object(value, where, "exit_codes", EXIT_CODE_KEYS);
        if (!(m.get("skip") instanceof List<?> list) || list.isEmpty()) {
            throw new WorkflowDefinitionException(where + ": exit_codes.skip must be a non-empty list of exit codes from 1 to"
                    + " 255, got " + describe(m.get("skip")));
        }
        Set<Integer> codes = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String key = "exit_codes.skip[" + i + "]";
            Object v = list.get(i);
            if (isWhole(v) && BigInteger.ZERO.equals(new BigInteger(v.toString()))) {
                throw new WorkflowDefinitionException(where + ": " + key + " must be an integer from 1 to 255, got 0 (exit code 0"
                        + " is success, never a skip)");
            }
            if (!codes.add((int) whole(v, where, key, 1, 255))) {
                throw new WorkflowDefinitionException(where + ": " + key + " repeats exit code " + v);
            }
        }
        return new ExitCodes(codes);
    }

    private static Set<FailureReason> reasons(Object value, String where) {
        String allowed = "allowed: " + Arrays.stream(FailureReason.values()).map(FailureReason::wireName).toList();
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new WorkflowDefinitionException(where + ": retry.on must be a non-empty list of failure reasons, got "
                    + describe(value) + "; " + allowed);
        }
        Set<FailureReason> on = EnumSet.noneOf(FailureReason.class);
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            FailureReason r = v instanceof String s ? FailureReason.of(s).orElse(null) : null;
            if (r == null) {
                throw new WorkflowDefinitionException(where + ": retry.on[" + i + "] " + describe(v) + " is not a failure reason; "
                        + allowed);
            }
            if (!on.add(r)) {
                throw new WorkflowDefinitionException(where + ": retry.on[" + i + "] repeats '" + r.wireName() + "'");
            }
        }
        return on;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String where, String key, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new WorkflowDefinitionException(where + ": '" + key + "' must be an object with keys " + sorted(allowed)
                    + ", got " + describe(value));
        }
        for (Object k : raw.keySet()) {
            if (!allowed.contains(k)) {
                throw new WorkflowDefinitionException(where + ": unknown field '" + key + "." + k + "'; allowed: " + sorted(allowed));
            }
        }
        return (Map<String, Object>) raw;
    }

    private static boolean isWhole(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof BigInteger;
    }

    private static long whole(Object v, String where, String key, long min, long max) {
        String range = "an integer from " + min + " to " + max;
        if (!isWhole(v)) {
            throw new WorkflowDefinitionException(where + ": " + key + " must be " + range + ", got " + describe(v));
        }
        BigInteger n = new BigInteger(v.toString());
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new WorkflowDefinitionException(where + ": " + key + " must be " + range + ", got " + n);
        }
        return n.longValueExact();
    }

    private static double number(Object v, String where, String key, double min, double max) {
        String range = "a number of seconds from " + plain(min) + " to " + plain(max);
        if (key.endsWith("factor")) {
            range = "a number from " + plain(min) + " to " + plain(max);
        }
        if (!(v instanceof Number) || v instanceof Double d && !Double.isFinite(d)) {
            throw new WorkflowDefinitionException(where + ": " + key + " must be " + range + ", got " + describe(v));
        }
        BigDecimal exact = new BigDecimal(v.toString());
        if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new WorkflowDefinitionException(where + ": " + key + " must be " + range + ", got " + exact.toPlainString());
        }
        return exact.doubleValue();
    }

    private static Duration millis(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> l = new ArrayList<>(keys);
        l.sort(null);
        return l;
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : ParameterType.describe(v) + " " + (v instanceof String s ? "'" + s + "'" : v);
    }
}
