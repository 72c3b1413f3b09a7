package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.NoSuchContainerException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a run's files after its main container exited: {@code tar} in the pod's keeper container
 * (which mounts the run's directories), streamed over the exec API into a temporary file, so a
 * large file costs disk, not heap. The archive's entry names are relative to the path's parent,
 * as on Docker.
 */
final class PodFiles {

    private static final long EXEC_TIMEOUT_MINUTES = 30;

    private final KubernetesClient client;
    private final String namespace;

    PodFiles(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * A tar archive of {@code containerPath}.
     *
     * @throws NoSuchContainerException when the path is not in the run's directories or does not exist
     * @throws IOException when the API, the exec or tar fails, or the temporary file cannot be written
     */
    InputStream archive(String pod, RunDirs dirs, String containerPath) throws IOException {
        String helperPath = dirs.helperPath(containerPath).orElseThrow(() -> new NoSuchContainerException("archive",
                containerPath + " is not inside the run's directories " + dirs.dirs()
                        + " (on Kubernetes only output_file's directory and writable_dirs outlive the container)", null));
        int slash = helperPath.lastIndexOf('/');
        String parent = helperPath.substring(0, slash);
        String name = helperPath.substring(slash + 1);
        Path temp = Files.createTempFile("container-runner-collect-", ".tar");
        boolean done = false;
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit;
            try (OutputStream out = Files.newOutputStream(temp);
                 ExecWatch exec = client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.KEEPER)
                         .writingOutput(out).writingError(err).exec("tar", "cf", "-", "-C", parent, name)) {
                exit = exec.exitCode().get(EXEC_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (KubernetesClientException e) {
                throw new IOException(PodStates.describe(e), e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("tar in pod " + pod + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + containerPath + " from pod " + pod, e);
            }
            String problem = err.toString(StandardCharsets.UTF_8).trim();
            if (exit != 0) {
                if (problem.contains("No such file") || problem.contains("can't stat") || problem.contains("can't open")) {
                    throw new NoSuchContainerException("archive", containerPath + " does not exist", null);
                }
                throw new IOException("tar in pod " + pod + " exited with " + exit + ": " + problem);
            }
            InputStream in = new FilterInputStream(Files.newInputStream(temp)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                }
            };
            done = true;
            return in;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
