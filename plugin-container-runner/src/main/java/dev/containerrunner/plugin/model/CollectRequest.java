package dev.containerrunner.plugin.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated collect_output request.
 *
 * @param strict  fail the whole action when one path is missing (default: report it per file)
 * @param release remove the container and its volumes right after collecting
 */
public record CollectRequest(String containerId, List<ContainerPath> filePaths, boolean uploadToS3,
                             Optional<String> s3Prefix, boolean strict, boolean release) {

    private static final Pattern ID = Pattern.compile("[a-f0-9]{12,64}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()=-]+(/[A-Za-z0-9!_.*'()=-]+)*");

    public CollectRequest {
        filePaths = List.copyOf(filePaths);
    }

    public static CollectRequest from(String action, Map<String, Object> kwargs) {
        KwargsReader r = new KwargsReader(action, kwargs);
        String id = r.requiredString("container_id");
        if (!ID.matcher(id).matches()) {
            throw r.error("container_id", "must be a container id (12 to 64 lower-case hex digits, e.g. {{ run.container_id }})");
        }
        List<String> raw = r.stringList("file_paths").orElseThrow(() -> r.error("file_paths", "is required"));
        if (raw.isEmpty()) {
            throw r.error("file_paths", "must name at least one absolute path");
        }
        if (raw.size() > 1000) {
            throw r.error("file_paths", "may name at most 1000 paths");
        }
        List<ContainerPath> paths = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = "file_paths[" + i + "]";
            ContainerPath path = r.parse(name, raw.get(i), ContainerPath::new);
            int first = paths.indexOf(path);
            if (first >= 0) {
                throw r.error(name, "repeats file_paths[" + first + "] (" + path + "): list each path once");
            }
            paths.add(path);
        }
        Optional<String> prefix = r.string("s3_prefix");
        prefix.ifPresent(p -> {
            if (!PREFIX.matcher(p).matches() || List.of(p.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."))) {
                throw r.error("s3_prefix", "must be key segments of letters, digits and !_.*'()=- joined by '/',"
                        + " without '.', '..', empty segments or a leading/trailing '/'");
            }
        });
        return new CollectRequest(id, paths, r.bool("upload_to_s3").orElse(false), prefix,
                r.bool("strict").orElse(false), r.bool("release").orElse(false));
    }
}
