package dev.containerrunner.benchmarks;

import dev.containerrunner.engine.WorkflowEngine;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Section "inputs": the same bytes through {@code inputs} (S3 → container, streamed and verified)
 * and back with {@code collect_output} {@code upload_to_s3}, against the manual way in the same run:
 * an SDK GET to a file, {@code docker create}, {@code docker cp} in, start, {@code docker cp} out, an
 * SDK PUT of the file, {@code docker rm}. Both against the same S3Proxy (filesystem store) in this
 * JVM, the container copying {@code /in/data.bin} to {@code /out/data.bin}. Heap: used after GC
 * before and after the runner's pass (retained growth) and the peak sampled every 20 ms (garbage
 * included; S3Proxy shares the heap).
 */
final class S3InputsBench {

    private static final String BUCKET = "bench";
    private static final String ACCESS = "bench-access";
    private static final String SECRET = "bench-secret";

    private final Bench bench;

    S3InputsBench(Bench bench) {
        this.bench = bench;
    }

    void run(List<Long> sizes) throws Exception {
        Path root = Files.createTempDirectory("bench-s3");
        S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(25);
        }
        String endpoint = "http://127.0.0.1:" + proxy.getPort();
        try (S3Client client = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
            client.createBucket(b -> b.bucket(BUCKET));
            bench.out("## 7. Inputs from S3 and back: `inputs` + `collect_output` to S3 against docker cp + SDK GET/PUT%n%n");
            bench.out("| size | inputs + collect_output upload (s) | SDK GET + docker create/cp in/start/cp out + SDK PUT + rm (s)"
                    + " | ratio | runner heap retained growth (MiB) | heap peak above start, garbage included (MiB)"
                    + " | context: the same file as an SDK multipart upload, 16 MiB parts (s) |%n|---|---|---|---|---|---|---|%n");
            Map<String, Object> runner = new LinkedHashMap<>();
            runner.put("collect_retention_seconds", 600);
            runner.put("max_timeout", 900);
            runner.put("s3", Map.of("bucket", BUCKET, "endpoint", endpoint, "path_style", true, "access_key_id", ACCESS,
                    "secret_access_key", SECRET, "input_prefixes", List.of("s3://" + BUCKET + "/in/")));
            try (WorkflowEngine engine = bench.engine(1, runner)) {
                row(engine, client, 1 << 20, false); // warm-up: the plugin's classes, the S3 client, the first container
                for (long size : sizes) {
                    row(engine, client, size, true);
                }
            }
            bench.out("%n");
        } finally {
            proxy.stop();
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void row(WorkflowEngine engine, S3Client client, long size, boolean report) throws Exception {
        Path local = Files.createTempFile("bench-input", ".bin");
        String sha = write(local, size);
        client.putObject(b -> b.bucket(BUCKET).key("in/data.bin"), RequestBody.fromFile(local));
        Files.delete(local);
        double ours;
        double runSeconds;
        long retained;
        long peak;
        {
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long before = mem.getHeapMemoryUsage().getUsed();
            AtomicLong max = new AtomicLong(before);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    max.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long t0 = System.nanoTime();
            Map<String, Object> r = Bench.invoke(engine, Bench.RUN, Map.of("image", Bench.IMAGE, "timeout_seconds", 900,
                    "inputs", List.of(Map.of("s3_url", "s3://" + BUCKET + "/in/data.bin", "path", "/in/data.bin", "sha256", sha)),
                    "writable_dirs", List.of("/out"), "command", List.of("cp", "/in/data.bin", "/out/data.bin")));
            if (!Boolean.TRUE.equals(r.get("success"))) {
                throw new IllegalStateException("the run failed: " + r);
            }
            runSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> c = Bench.invoke(engine, "apps.platform.container_runner.collect_output", Map.of(
                    "container_id", r.get("container_id"), "file_paths", List.of("/out/data.bin"), "upload_to_s3", true,
                    "s3_prefix", "out", "release", true));
            ours = (System.nanoTime() - t0) / 1e9;
            sampling.set(false);
            sampler.join();
            @SuppressWarnings("unchecked")
            Map<String, Object> f = ((List<Map<String, Object>>) c.get("files")).get(0);
            if (!sha.equals(f.get("sha256"))) {
                throw new IllegalStateException("collected something else: " + c);
            }
            System.gc();
            retained = mem.getHeapMemoryUsage().getUsed() - before;
            peak = max.get() - before;
        }
        Path dir = Files.createTempDirectory("bench-s3cp");
        long t0 = System.nanoTime();
        client.getObject(b -> b.bucket(BUCKET).key("in/data.bin"), dir.resolve("data.bin"));
        double get = (System.nanoTime() - t0) / 1e9;
        String id = Bench.cli("docker", "create", Bench.IMAGE, "cp", "/tmp/data.bin", "/tmp/out.bin").strip();
        Bench.cli("docker", "cp", dir.resolve("data.bin").toString(), id + ":/tmp/data.bin");
        Bench.cli("docker", "start", "-a", id);
        Bench.cli("docker", "cp", id + ":/tmp/out.bin", dir.resolve("out.bin").toString());
        double docker = (System.nanoTime() - t0) / 1e9 - get;
        client.putObject(b -> b.bucket(BUCKET).key("manual/out.bin"), RequestBody.fromFile(dir.resolve("out.bin")));
        Bench.cli("docker", "rm", "-f", id);
        double manual = (System.nanoTime() - t0) / 1e9;
        long m0 = System.nanoTime();
        multipart(client, dir.resolve("out.bin"), size);
        double multipart = (System.nanoTime() - m0) / 1e9;
        if (Files.size(dir.resolve("out.bin")) != size) {
            throw new IllegalStateException("docker cp copied " + Files.size(dir.resolve("out.bin")));
        }
        Files.delete(dir.resolve("data.bin"));
        Files.delete(dir.resolve("out.bin"));
        Files.delete(dir);
        if (report) {
            bench.out("| %d MiB | %.2f (run %.2f + collect %.2f) | %.2f (GET %.2f, docker %.2f, PUT+rm %.2f) | %.2f× | %d | %d"
                    + " | %.2f |%n", size >> 20, ours, runSeconds, ours - runSeconds, manual, get, docker, manual - get - docker,
                    ours / manual, retained >> 20, peak >> 20, multipart);
        }
    }

    /** The file as a multipart upload with 16 MiB parts, as collect_output uploads (context for the PUT column). */
    private static void multipart(S3Client client, Path file, long size) throws Exception {
        String key = "manual/multipart.bin";
        String upload = client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new java.util.ArrayList<>();
        byte[] buf = new byte[16 << 20];
        try (var in = Files.newInputStream(file)) {
            for (int part = 1; ; part++) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n == 0) {
                    break;
                }
                int number = part;
                String etag = client.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(upload).partNumber(number)
                        .contentLength((long) n), RequestBody.fromBytes(java.util.Arrays.copyOf(buf, n))).eTag();
                parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
        }
        client.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
    }

    /** Writes {@code size} random bytes to {@code file}; returns their SHA-256. */
    private static String write(Path file, long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(18);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

}
