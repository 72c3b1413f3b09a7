package dev.containerrunner.plugin.model;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One validated request of {@code run_container} or {@code run_with_input}. Built at the edge from
 * kwargs by {@link #from}; every field is typed and checked for shape. Limits are checked against
 * the configured maxima by the policy, not here.
 *
 * @param requestedImage the image as the user wrote it (what is pulled and run)
 * @param command        replaces the image's entrypoint when present
 * @param args           appended after the command (or replace the image's CMD)
 * @param inputData      bytes sent on stdin, then stdin is closed
 * @param workingDir     the process's working directory; empty: the image's
 * @param shmSize        the size of {@code /dev/shm}; empty: the engine's default (64m on Docker)
 * @param ulimits        resource limits of the container's processes ({@link Ulimit}); empty: the engine's
 * @param user           the numeric user and group the container runs as (the configured {@code user}
 *                       unless the request names another; the policy checks it against {@code allowed_users})
 * @param profile        the pod profile the request names ({@code profile}); empty: the configured
 *                       {@code default} profile, if any (resolved by the policy and the Kubernetes backend)
 * @param secrets        the configured secrets the run asks for, by name ({@code secrets}, {@code secret_env});
 *                       the policy checks that they exist and may go to the image
 * @param inputs         S3 objects (and prefixes) streamed into the container before it starts ({@code inputs});
 *                       the policy checks them against {@code s3.input_prefixes}
 */
public record RunRequest(
        String action,
        String requestedImage,
        ImageReference image,
        Optional<List<String>> command,
        List<String> args,
        Map<String, String> environment,
        Duration timeout,
        MemorySize memory,
        double cpu,
        NetworkMode network,
        PullPolicy pullPolicy,
        Optional<byte[]> inputData,
        Optional<InputFile> inputFile,
        Optional<ContainerPath> outputFile,
        List<ContainerPath> writableDirs,
        Optional<ContainerPath> workingDir,
        Optional<MemorySize> shmSize,
        List<Ulimit> ulimits,
        ContainerUser user,
        Optional<String> profile,
        SecretRefs secrets,
        List<S3Input> inputs) {

    /** The longest {@code timeout_seconds} (and {@code max_timeout}) there can be: 7 days. */
    public static final long LONGEST_TIMEOUT_SECONDS = 7 * 24 * 3600;
    /** The smallest {@code cpu_limit} (and {@code default_cpu}, {@code max_cpu}): a hundredth of a CPU. */
    public static final double LEAST_CPUS = 0.01;
    /** The largest {@code cpu_limit} (and {@code max_cpu}) there can be. */
    public static final double MOST_CPUS = 1024;
    /** The action whose results carry the output_file keys. */
    public static final String WITH_INPUT = "run_with_input";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final List<String> INPUT_FILE_KEYS = List.of("content", "path", "encoding");

    public RunRequest {
        command = command.map(List::copyOf);
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
        writableDirs = List.copyOf(writableDirs);
        ulimits = List.copyOf(ulimits);
        inputs = List.copyOf(inputs);
    }

    /**
     * Parses the kwargs of either run action.
     *
     * @param defaults the values of kwargs that are left out
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the first parameter that is missing,
     *         mistyped or malformed
     */
    public static RunRequest from(String action, Map<String, Object> kwargs, RequestDefaults defaults) {
        KwargsReader r = new KwargsReader(action, kwargs);
        String imageText = r.requiredString("image");
        ImageReference image = r.parse("image", imageText, ImageReference::parse);
        Optional<List<String>> command = r.stringList("command");
        if (command.isPresent() && command.get().isEmpty()) {
            throw r.error("command", "must not be an empty list (leave it out to use the image's entrypoint)");
        }
        List<String> args = r.stringList("args").orElse(List.of());
        Map<String, String> env = new TreeMap<>(r.stringMap("environment").orElse(Map.of()));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw r.error("environment." + e.getKey(), "is not a valid variable name (letters, digits, '_'; not starting with a digit)");
            }
            if (e.getValue().indexOf('\0') >= 0) {
                throw r.error("environment." + e.getKey(), "must not contain NUL characters");
            }
        }
        long timeout = r.integer("timeout_seconds", 1, LONGEST_TIMEOUT_SECONDS).orElse(defaults.timeout().toSeconds());
        MemorySize memory = r.parse("memory_limit",
                r.string("memory_limit").orElse(defaults.memory().toString()), MemorySize::parse);
        if (memory.bytes() < MemorySize.ENGINE_MINIMUM) {
            throw r.error("memory_limit", "must be at least 6m (the engine's minimum), got " + memory);
        }
        double cpu = r.number("cpu_limit", LEAST_CPUS, MOST_CPUS).orElse(defaults.cpu());
        NetworkMode network = r.string("network").map(n -> r.parse("network", n, NetworkMode::parse)).orElse(defaults.network());
        PullPolicy pull = r.string("pull_policy").map(p -> r.parse("pull_policy", p, PullPolicy::parse)).orElse(defaults.pullPolicy());
        Optional<byte[]> input = r.string("input_data").map(s -> s.getBytes(StandardCharsets.UTF_8));
        Optional<InputFile> inputFile = r.object("input_file", INPUT_FILE_KEYS).map(RunRequest::inputFile);
        Optional<ContainerPath> outputFile = r.string("output_file").map(p -> r.parse("output_file", p, ContainerPath::file));
        if (outputFile.isPresent() && outputFile.get().parent().equals("/")) {
            throw r.error("output_file", "must be inside a directory (e.g. /output/" + outputFile.get().fileName()
                    + "): the directory is mounted from a temporary volume the container can write");
        }
        List<ContainerPath> writable = new java.util.ArrayList<>();
        List<String> rawDirs = r.stringList("writable_dirs").orElse(List.of());
        if (rawDirs.size() > 16) {
            throw r.error("writable_dirs", "may name at most 16 directories");
        }
        for (int i = 0; i < rawDirs.size(); i++) {
            ContainerPath dir = r.parse("writable_dirs[" + i + "]", rawDirs.get(i), ContainerPath::new);
            int first = writable.indexOf(dir);
            if (first >= 0) {
                throw r.error("writable_dirs[" + i + "]", "(" + rawDirs.get(i) + ") repeats writable_dirs[" + first + "] ("
                        + rawDirs.get(first) + "): both are " + dir + "; list each directory once");
            }
            writable.add(dir);
        }
        Optional<ContainerPath> workingDir = r.string("working_dir").map(p -> r.parse("working_dir", p, ContainerPath::new));
        RunPaths.check(r, inputFile, outputFile, writable, workingDir);
        Optional<MemorySize> shm = r.string("shm_size").map(s -> r.parse("shm_size", s, MemorySize::parse));
        if (shm.isPresent() && shm.get().compareTo(memory) > 0) {
            throw r.error("shm_size", "(" + shm.get() + ") is above memory_limit (" + memory + "): /dev/shm is memory, and"
                    + " what is written there counts against the container's memory limit");
        }
        ContainerUser user = r.string("user").map(u -> r.parse("user", u, ContainerUser::parse)).orElse(defaults.user());
        SecretRefs secrets = SecretRefs.read(r, env);
        if (!secrets.files().isEmpty()) {
            RunPaths.checkOutside(r, SecretRefs.DIRECTORY, "the run's secret files", inputFile, outputFile, writable, workingDir);
        }
        List<S3Input> inputs = S3Inputs.read(r);
        S3Inputs.checkAgainst(r, inputs, inputFile, outputFile, writable, workingDir,
                secrets.files().isEmpty() ? Optional.empty() : Optional.of(SecretRefs.DIRECTORY));
        return new RunRequest(action, imageText, image, command, args, env, Duration.ofSeconds(timeout), memory, cpu,
                network, pull, input, inputFile, outputFile, writable, workingDir, shm, Ulimit.read(r, "ulimits"), user,
                profile(r), secrets, inputs);
    }

    /** The {@code profile} kwarg: a non-empty name when given (whether it is configured is the policy's check). */
    private static Optional<String> profile(KwargsReader r) {
        Optional<String> profile = r.string("profile");
        if (profile.isPresent() && profile.get().isBlank()) {
            throw r.error("profile", "must name a configured profile (leave it out for the profile named 'default', if any)");
        }
        return profile;
    }

    /**
     * The directories mounted from per-run storage, in this order: input_file's, output_file's,
     * writable_dirs, then those of {@code inputs} (each once).
     */
    public List<String> runDirectories() {
        List<String> dirs = new java.util.ArrayList<>();
        inputFile.ifPresent(f -> dirs.add(f.path().parent()));
        outputFile.map(ContainerPath::parent).filter(d -> !dirs.contains(d)).ifPresent(dirs::add);
        writableDirs.stream().map(ContainerPath::value).filter(d -> !dirs.contains(d)).forEach(dirs::add);
        inputs.stream().map(S3Input::runDirectory).filter(d -> !dirs.contains(d)).forEach(dirs::add);
        return List.copyOf(dirs);
    }

    /** Whether the result carries output_file_content (the run_with_input action's result shape). */
    public boolean reportsOutputFile() {
        return WITH_INPUT.equals(action);
    }

    /** Standard base64; line breaks and spaces (as in wrapped base64) are allowed, anything else is not. */
    static byte[] decodeBase64(String s) {
        boolean hasSpace = false;
        for (int i = 0; i < s.length() && !hasSpace; i++) {
            hasSpace = Character.isWhitespace(s.charAt(i));
        }
        return Base64.getDecoder().decode(hasSpace ? s.replaceAll("\\s", "") : s);
    }

    private static InputFile inputFile(KwargsReader f) {
        String content = f.string("input_file.content")
                .orElseThrow(() -> f.error("input_file.content", "is required (the file's text, or base64 with encoding: base64)"));
        ContainerPath path = f.parse("input_file.path", f.string("input_file.path")
                .orElseThrow(() -> f.error("input_file.path", "is required (an absolute path such as /input/data.txt)")), ContainerPath::file);
        if (path.parent().equals("/")) {
            throw f.error("input_file.path", "must be inside a directory (e.g. /input/" + path.fileName()
                    + "): the directory is mounted from a temporary volume");
        }
        String encoding = f.string("input_file.encoding").orElse("utf-8");
        byte[] bytes = switch (encoding) {
            case "utf-8" -> content.getBytes(StandardCharsets.UTF_8);
            case "base64" -> f.parse("input_file.content", content, RunRequest::decodeBase64);
            default -> throw f.error("input_file.encoding", "must be 'utf-8' (default) or 'base64', got '" + encoding + "'");
        };
        return new InputFile(path, bytes);
    }
}
