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
 */
public record CollectResult(boolean success, String containerId, List<CollectedFile> files, String error) {

    public CollectResult {
        files = List.copyOf(files);
    }

    /** The result for {@code files}: a success when none failed. */
    public static CollectResult of(String containerId, List<CollectedFile> files) {
        boolean allOk = files.stream().allMatch(CollectedFile::ok);
        return new CollectResult(allOk, containerId, files,
                allOk ? null : "some files could not be collected: see files[].error");
    }

    /** The result of an action that stopped early (cancelled, out of time): never a success. */
    public static CollectResult stopped(String containerId, List<CollectedFile> files, String error) {
        return new CollectResult(false, containerId, files, error);
    }

    /** The action's result map: {@code success, container_id, files, error} ({@code error} null on success). */
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
        return result;
    }
}
