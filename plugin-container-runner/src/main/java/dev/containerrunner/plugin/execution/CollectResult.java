package dev.containerrunner.plugin.execution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What collect_output returns: every file it read, and whether all were collected.
 * {@link #toMap()} is the action's result.
 *
 * @param success     whether every file was collected
 * @param containerId the run's container id, as asked for
 * @param files       the files, in the order of the requested paths (a directory's in archive order)
 * @param error       why not all were collected, or null
 * @param reason      the result's {@code failure_reason}: null on success; else why the action
 *                    stopped, or the first failed entry's reason that a retry cannot fix (else
 *                    the first failed entry's), so that {@code retryable} is true only when every
 *                    failed entry's reason is retryable
 */
public record CollectResult(boolean success, String containerId, List<CollectedFile> files, String error,
                            FailureReason reason) {

    public CollectResult {
        files = List.copyOf(files);
    }

    /** The result for {@code files}: a success when none failed. */
    public static CollectResult of(String containerId, List<CollectedFile> files) {
        List<FailureReason> failed = files.stream().filter(f -> !f.ok())
                .map(f -> ((CollectedFile.Failed) f).reason().failureReason()).toList();
        if (failed.isEmpty()) {
            return new CollectResult(true, containerId, files, null, null);
        }
        FailureReason reason = failed.stream().filter(r -> !r.retryable()).findFirst().orElse(failed.get(0));
        return new CollectResult(false, containerId, files, "some files could not be collected: see files[].error", reason);
    }

    /**
     * The result of an action that stopped early (cancelled, out of time or budget): never a success.
     *
     * @param reason why it stopped
     */
    public static CollectResult stopped(String containerId, List<CollectedFile> files, String error, FailureReason reason) {
        return new CollectResult(false, containerId, files, error, reason);
    }

    /**
     * The action's result map: {@code success, container_id, files, error} ({@code error} null on
     * success), then {@code failure_reason} (null on success) and {@code retryable}.
     */
    public Map<String, Object> toMap() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CollectedFile f : files) {
            entries.add(f.toMap());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", success);
        result.put("container_id", containerId);
        result.put("files", entries);
        result.put("error", error);
        result.put(FailureReason.RESULT_KEY, reason == null ? null : reason.wireName());
        result.put(FailureReason.RETRYABLE_KEY, reason != null && reason.retryable());
        return result;
    }
}
