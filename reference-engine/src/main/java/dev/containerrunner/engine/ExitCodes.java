package dev.containerrunner.engine;

import dev.containerrunner.spi.FailureReason;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a task's exit codes mean beyond success and failure: a task's {@code exit_codes} in the
 * workflow format. A task whose result says the program exited by itself with a code in
 * {@link #skip()} is {@code skipped}, not failed, and so are its dependents (Airflow's
 * {@code skip_on_exit_code}).
 *
 * @param skip exit codes 1..255 that mark the task skipped
 * @apiNote Immutable and thread-safe.
 */
public record ExitCodes(Set<Integer> skip) {

    /** No special meaning: a task without {@code exit_codes}. */
    public static final ExitCodes NONE = new ExitCodes(Set.of());

    /** @throws IllegalArgumentException for a code outside 1..255 */
    public ExitCodes {
        for (int code : skip) {
            if (code < 1 || code > 255) {
                throw new IllegalArgumentException("exit codes to skip on must be 1..255, got " + code);
            }
        }
        skip = Set.copyOf(new TreeSet<>(skip));
    }

    /**
     * Whether a failed task's {@code result} means "skip": its {@code exit_code} is listed, and its
     * {@code failure_reason}, when it has one, says the program ended by itself ({@code exit_code},
     * or {@code killed}: a SIGKILL the runner did not send). A timeout, OOM kill or cancellation is
     * never a skip, whatever its exit code.
     */
    public boolean skips(Map<String, Object> result) {
        if (skip.isEmpty() || result == null || !(result.get("exit_code") instanceof Number code)) {
            return false;
        }
        Object reason = result.get(FailureReason.RESULT_KEY);
        boolean byItself = reason == null || FailureReason.EXIT_CODE.wireName().equals(reason)
                || FailureReason.KILLED.wireName().equals(reason);
        double value = code.doubleValue();
        return byItself && value == Math.rint(value) && skip.contains((int) value);
    }
}
