package dev.containerrunner.plugin.model;

import dev.containerrunner.spi.ParameterType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code inputs} kwarg into {@link S3Input}s and checks their paths against each other
 * and against the request's other paths. Each entry is {@code {s3_url, path, sha256}}; errors name
 * the entry ({@code inputs[1].s3_url}) and what is allowed.
 *
 * <p>Refused: a path twice, or one input's path inside another's (a file cannot also be a directory,
 * a directory input owns its whole tree); {@code input_file.path} equal to, inside or above an input's
 * path; a run directory (of {@code output_file}, {@code writable_dirs} or a file input) strictly inside a
 * directory input (its volume would hide objects); {@code writable_dirs} or {@code working_dir} on a
 * file input; a path on a file the engines mount ({@code /etc/hosts} …) or where secrets are mounted.
 * Whether the URLs may be read is the policy's check ({@code s3.input_prefixes}).
 *
 * @apiNote stateless and thread-safe
 */
public final class S3Inputs {

    /** The most entries {@code inputs} may have. */
    public static final int MAX_INPUTS = 64;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> KEYS = List.of("s3_url", "path", "sha256");

    private S3Inputs() {
    }

    /**
     * The {@code inputs} of a request; empty when left out.
     *
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the first entry and field at fault
     */
    public static List<S3Input> read(KwargsReader r) {
        Optional<Object> raw = r.raw("inputs");
        if (raw.isEmpty()) {
            return List.of();
        }
        if (!(raw.get() instanceof List<?> list)) {
            throw r.error("inputs", "must be a list of {s3_url, path, sha256} objects, got " + ParameterType.describe(raw.get()));
        }
        if (list.size() > MAX_INPUTS) {
            throw r.error("inputs", "may have at most " + MAX_INPUTS + " entries (a prefix s3://bucket/dir/ brings a whole"
                    + " directory in one entry), got " + list.size());
        }
        List<S3Input> inputs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String name = "inputs[" + i + "]";
            Map<String, Object> one = new java.util.HashMap<>();
            one.put(name, list.get(i));
            KwargsReader entry = new KwargsReader(r.action(), one).object(name, KEYS).orElseThrow();
            inputs.add(entry(r, entry, name));
        }
        checkEachOther(r, inputs);
        return List.copyOf(inputs);
    }

    private static S3Input entry(KwargsReader r, KwargsReader e, String name) {
        String urlText = e.string(name + ".s3_url").orElseThrow(() -> r.error(name + ".s3_url",
                "is required (s3://bucket/key for an object, s3://bucket/prefix/ for every object under a prefix)"));
        S3Url url = e.parse(name + ".s3_url", urlText, S3Url::parse);
        String pathText = e.string(name + ".path").orElseThrow(() -> r.error(name + ".path",
                "is required (an absolute path such as /input/data.bin, or a directory such as /input/set for a prefix)"));
        ContainerPath path;
        if (url.isPrefix()) {
            path = e.parse(name + ".path", pathText, ContainerPath::new);
        } else {
            path = e.parse(name + ".path", pathText, ContainerPath::file);
            if (path.parent().equals("/")) {
                throw r.error(name + ".path", "must be inside a directory (e.g. /input/" + path.fileName()
                        + "): the directory is mounted from a temporary volume");
            }
        }
        Optional<String> sha = e.string(name + ".sha256");
        if (sha.isPresent() && !SHA256.matcher(sha.get()).matches()) {
            throw r.error(name + ".sha256", "must be 64 lowercase hexadecimal digits (the SHA-256 of the object's bytes,"
                    + " e.g. collect_output's sha256), got '" + sha.get() + "'");
        }
        if (sha.isPresent() && url.isPrefix()) {
            throw r.error(name + ".sha256", "applies to one object, not to a prefix (" + url + " ends with '/'); give each"
                    + " object its own entry to check its sha256");
        }
        return new S3Input(url, path, sha);
    }

    private static void checkEachOther(KwargsReader r, List<S3Input> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = 0; j < i; j++) {
                String a = inputs.get(j).path().value();
                String b = inputs.get(i).path().value();
                if (a.equals(b)) {
                    throw r.error("inputs[" + i + "].path", "(" + b + ") repeats inputs[" + j + "].path: each input needs its"
                            + " own path");
                }
                if (RunPaths.within(a, b) || RunPaths.within(b, a)) {
                    throw r.error("inputs[" + i + "].path", "(" + b + ") overlaps inputs[" + j + "].path (" + a + "): one is"
                            + " inside the other; choose paths that do not overlap");
                }
            }
        }
    }

    /**
     * Checks {@code inputs} against the request's other paths (see the class comment).
     *
     * @param secretsDirectory where secret files are mounted, when the run has any
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the first colliding parameter
     */
    static void checkAgainst(KwargsReader r, List<S3Input> inputs, Optional<InputFile> inputFile, Optional<ContainerPath> outputFile,
                             List<ContainerPath> writableDirs, Optional<ContainerPath> workingDir, Optional<String> secretsDirectory) {
        List<String[]> dirs = new ArrayList<>(); // {parameter, directory}
        outputFile.ifPresent(p -> dirs.add(new String[] {"output_file's directory", p.parent()}));
        for (int i = 0; i < writableDirs.size(); i++) {
            dirs.add(new String[] {"writable_dirs[" + i + "]", writableDirs.get(i).value()});
        }
        for (int i = 0; i < inputs.size(); i++) {
            dirs.add(new String[] {"inputs[" + i + "].path's directory", inputs.get(i).runDirectory()});
        }
        for (int i = 0; i < inputs.size(); i++) {
            S3Input in = inputs.get(i);
            String name = "inputs[" + i + "].path";
            String p = in.path().value();
            for (String engineFile : RunPaths.ENGINE_FILES) {
                if (RunPaths.within(p, engineFile) || RunPaths.within(engineFile, p)) {
                    throw r.error(name, "(" + p + ") overlaps " + engineFile + ", a file the engine mounts into every container;"
                            + " choose another path");
                }
            }
            if (secretsDirectory.isPresent() && (RunPaths.within(p, secretsDirectory.get())
                    || RunPaths.within(secretsDirectory.get(), p))) {
                throw r.error(name, "(" + p + ") overlaps " + secretsDirectory.get() + ", where the run's secret files are"
                        + " mounted: choose another path");
            }
            if (inputFile.isPresent()) {
                String f = inputFile.get().path().value();
                if (RunPaths.within(f, p) || RunPaths.within(p, f)) {
                    throw r.error(name, "(" + p + ") overlaps input_file.path (" + f + "): choose paths that do not overlap");
                }
            }
            for (String[] dir : dirs) {
                if (in.isDirectory() ? dir[1].startsWith(p + "/") : RunPaths.within(dir[1], p)) {
                    throw r.error(name, "(" + p + ") collides with " + dir[0] + " (" + dir[1] + "), mounted as a directory "
                            + (dir[1].equals(p) ? "there" : "inside it") + ": it would hide the input; choose paths that do"
                            + " not overlap");
                }
            }
            if (!in.isDirectory() && workingDir.isPresent() && RunPaths.within(workingDir.get().value(), p)) {
                throw r.error("working_dir", "(" + workingDir.get() + ") is " + name + " (" + p + "), a file, not a directory");
            }
        }
    }
}
