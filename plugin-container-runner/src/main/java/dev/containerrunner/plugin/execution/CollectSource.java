package dev.containerrunner.plugin.execution;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Where collect_output reads from: a finished run's container (Docker) or pod (Kubernetes).
 * Implementations refuse ids that name nothing or something the runner did not create.
 */
public interface CollectSource {

    /**
     * The run behind {@code containerId}.
     *
     * @throws dev.containerrunner.spi.ActionFailedException when it does not exist (any more)
     */
    Target find(String action, String containerId);

    /** One run's files. */
    interface Target {

        /** Its runner labels (managed-by, run, attempt, ...); empty when the runner did not create it. */
        Map<String, String> labels();

        /** Whether its main process still runs (files are read after it ends). */
        boolean running();

        /**
         * A tar archive of {@code path}, entry names relative to the path's parent directory.
         *
         * @throws dev.containerrunner.plugin.execution.NoSuchContainerException when the path does not exist
         */
        InputStream archive(String path) throws IOException;

        /** Removes the run's container or pod and volumes now ({@code release: true}). */
        void release();
    }
}
