package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.List;
import java.util.Optional;

/**
 * The directories of one run that are backed by emptyDir volumes: input_file's and output_file's
 * directories, writable_dirs, then the directories of {@code inputs} (a file's parent, a prefix's
 * directory), in that order ({@link RunRequest#runDirectories()}). The helper containers see directory {@code i} at
 * {@code /container-runner/dirs/i/<its last segment>}, so a path's parent maps to a helper path
 * whose archive entries are named as the container would name them.
 */
record RunDirs(List<String> dirs, boolean collectable) {

    static final String HELPER_ROOT = "/container-runner/dirs";

    RunDirs {
        dirs = List.copyOf(dirs);
    }

    static RunDirs of(RunRequest request) {
        return new RunDirs(request.runDirectories(), request.outputFile().isPresent() || !request.writableDirs().isEmpty());
    }

    /** Parses the {@link KubeLabels#COLLECTABLE_DIRS} annotation. */
    static RunDirs fromAnnotation(String text) {
        List<String> dirs = text == null || text.isBlank() ? List.of() : List.of(text.split("\n"));
        return new RunDirs(dirs, !dirs.isEmpty());
    }

    String annotation() {
        return collectable ? String.join("\n", dirs) : "";
    }

    static String volumeName(int index) {
        return "dir-" + index;
    }

    /** Where the helpers mount directory {@code index}. */
    String helperMount(int index) {
        return HELPER_ROOT + "/" + index + "/" + new ContainerPath(dirs.get(index)).fileName();
    }

    /** A path as the helpers see it; empty when it is not inside one of the run's directories. */
    Optional<String> helperPath(String containerPath) {
        int best = -1;
        for (int i = 0; i < dirs.size(); i++) {
            String d = dirs.get(i);
            if ((containerPath.equals(d) || containerPath.startsWith(d + "/"))
                    && (best < 0 || d.length() > dirs.get(best).length())) {
                best = i;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        return Optional.of(helperMount(best) + containerPath.substring(dirs.get(best).length()));
    }
}
