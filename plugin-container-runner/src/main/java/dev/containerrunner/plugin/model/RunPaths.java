package dev.containerrunner.plugin.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the paths a run request chooses ({@code input_file.path}, {@code output_file},
 * {@code writable_dirs}, {@code working_dir}) against each other and against the files the engines
 * mount themselves, so that no mount silently hides a user's file: such a request is refused,
 * naming the parameter and what it collides with. ({@link ContainerPath} already refuses
 * {@code /proc}, {@code /sys} and {@code /dev}, where {@code /dev/shm} is.)
 *
 * <p>Refused: a path equal to (or under) a file the engine mounts over the image ({@value #HOSTS},
 * {@value #HOSTNAME}, {@value #RESOLV_CONF}, on Docker and on Kubernetes); an input or output file
 * where a run directory is mounted (e.g. {@code writable_dirs: [/a/in.txt]} with
 * {@code input_file.path: /a/in.txt}, or {@code output_file: /a/b} with {@code input_file.path:
 * /a/b/c.txt}); a {@code working_dir} that is (or is under) one of those files. Run directories nested in one
 * another compose (the engines mount the shallower one first).
 */
final class RunPaths {

    static final String HOSTS = "/etc/hosts";
    static final String HOSTNAME = "/etc/hostname";
    static final String RESOLV_CONF = "/etc/resolv.conf";
    /** Files both engines mount into every container, over whatever the image has there. */
    static final List<String> ENGINE_FILES = List.of(HOSTS, HOSTNAME, RESOLV_CONF);

    private RunPaths() {
    }

    /** A path the request chose, with the parameter that chose it. */
    private record Chosen(String parameter, String path) {
    }

    /**
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the first colliding parameter
     */
    static void check(KwargsReader r, Optional<InputFile> inputFile, Optional<ContainerPath> outputFile,
                      List<ContainerPath> writableDirs, Optional<ContainerPath> workingDir) {
        List<Chosen> files = new ArrayList<>();
        inputFile.ifPresent(f -> files.add(new Chosen("input_file.path", f.path().value())));
        outputFile.ifPresent(p -> files.add(new Chosen("output_file", p.value())));
        List<Chosen> dirs = new ArrayList<>();
        inputFile.ifPresent(f -> dirs.add(new Chosen("input_file.path's directory", f.path().parent())));
        outputFile.ifPresent(p -> dirs.add(new Chosen("output_file's directory", p.parent())));
        for (int i = 0; i < writableDirs.size(); i++) {
            dirs.add(new Chosen("writable_dirs[" + i + "]", writableDirs.get(i).value()));
        }
        List<Chosen> all = new ArrayList<>(files);
        dirs.stream().filter(d -> d.parameter().startsWith("writable_dirs")).forEach(all::add);
        workingDir.ifPresent(w -> all.add(new Chosen("working_dir", w.value())));
        for (Chosen c : all) {
            for (String engineFile : ENGINE_FILES) {
                if (within(c.path(), engineFile)) {
                    throw r.error(c.parameter(), "(" + c.path() + ") is " + (c.path().equals(engineFile) ? "" : "under ")
                            + engineFile + ", a file the engine mounts into every container over the image's; it would hide"
                            + " or break yours: choose another path");
                }
            }
        }
        for (Chosen file : files) {
            for (Chosen dir : dirs) {
                if (within(dir.path(), file.path())) {
                    throw r.error(file.parameter(), "(" + file.path() + ") collides with " + dir.parameter() + " (" + dir.path()
                            + "), which is mounted as a directory " + (dir.path().equals(file.path()) ? "there" : "under it")
                            + ": the file would be hidden; choose paths that do not overlap");
                }
            }
            if (workingDir.isPresent() && within(workingDir.get().value(), file.path())) {
                throw r.error("working_dir", "(" + workingDir.get() + ") is " + (workingDir.get().value().equals(file.path())
                        ? "" : "under ") + file.parameter() + " (" + file.path() + "), a file, not a directory");
            }
        }
    }

    /**
     * Refuses a chosen path equal to or under {@code reserved}, where the runner mounts
     * {@code what} (e.g. {@code /run/secrets}, the run's secret files).
     *
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the first such parameter
     */
    static void checkOutside(KwargsReader r, String reserved, String what, Optional<InputFile> inputFile,
                             Optional<ContainerPath> outputFile, List<ContainerPath> writableDirs, Optional<ContainerPath> workingDir) {
        List<Chosen> all = new ArrayList<>();
        inputFile.ifPresent(f -> all.add(new Chosen("input_file.path", f.path().value())));
        outputFile.ifPresent(p -> all.add(new Chosen("output_file", p.value())));
        for (int i = 0; i < writableDirs.size(); i++) {
            all.add(new Chosen("writable_dirs[" + i + "]", writableDirs.get(i).value()));
        }
        workingDir.ifPresent(w -> all.add(new Chosen("working_dir", w.value())));
        for (Chosen c : all) {
            if (within(c.path(), reserved)) {
                throw r.error(c.parameter(), "(" + c.path() + ") is " + (c.path().equals(reserved) ? "" : "under ") + reserved
                        + ", where " + what + " are mounted: choose another path");
            }
        }
    }

    /** Whether {@code path} is {@code root} or inside it. */
    static boolean within(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }
}
