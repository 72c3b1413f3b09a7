package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

/**
 * The shared backend behaviour on the real Docker engine with gVisor ({@code runtime: runsc}, as
 * the README's production configuration recommends), registered by {@code scripts/ensure-gvisor.sh}.
 * Every contract test holds under gVisor (OOM kills included: the sandbox runs in the container's
 * memory cgroup and the engine reports the kill), with two measured differences.
 *
 * <p>The pids limit: under gVisor the pids cgroup counts the sandbox's own host threads (Sentry
 * and Gofer), not the application's processes: about 45 for an idle sandbox and over 120 with 10
 * sleeping processes (pids.current, measured here). The Docker contract's {@code pids_limit: 64}
 * makes every gVisor run die at start with exit code 2 and no output, so this class uses 1024 (and
 * the configuration refuses less than 128 with runsc).
 *
 * <p>FIFOs ({@link #assertFifoIsNeverAFile}): a FIFO made inside a gVisor sandbox is a synthetic
 * file kept in the sandbox's memory (gVisor's gofer does not create it on the host), so it is not
 * on the run's volume, which is what the engine reads: {@code ls -la} inside the sandbox shows
 * {@code prw-r--r-- p}, the volume's directory on the host has no {@code p}, the engine's
 * {@code HEAD /containers/{id}/archive?path=/out/p} answers 404 and its archive of {@code /out} has
 * no entry for it (measured here, runsc 20221219, against runc which shows and archives it).
 * Symbolic links and regular files reach the volume exactly as on runc, so everything else in the
 * contract, output_file through a symbolic link included, holds unchanged.
 */
class GvisorBehaviourIT extends DockerBehaviourIT {

    @Override
    protected Map<String, Object> configuration() {
        Map<String, Object> c = super.configuration();
        c.put("runtime", "runsc");
        c.put("pids_limit", 1024);
        return c;
    }

    /** gVisor's sentry keeps virtual task time: a program's own CPU clock is not the host CPU charged. */
    @Override
    public boolean programSeesHostCpu() {
        return false;
    }

    /**
     * The sandbox's cgroup also holds gVisor's own work, booting the sandbox before the run's clock
     * starts included: a python sleeping 2 s used 0.11–0.14 CPU s here against 0.04 on runc, and the
     * 2 s busy loop at {@code cpu_limit: 0.5} 1.17–1.25 CPU s against 1.08–1.12.
     */
    @Override
    public double sandboxCpuSeconds() {
        return 0.25;
    }

    /**
     * Under gVisor the FIFO is not there for the engine: absent from its directory's listing, and
     * reported as missing, with the gVisor reason, when asked for by path or as output_file; never
     * an empty file.
     */
    @Override
    protected void assertFifoIsNeverAFile(FifoAsked asked, Map<String, Object> reported) {
        switch (asked) {
            case IN_A_COLLECTED_DIRECTORY -> assertNull(reported, "the FIFO is not on the volume under gVisor: " + reported);
            case COLLECTED_BY_PATH -> {
                assertEquals("/out/p does not exist in the container (or, under gVisor, was made as a FIFO or socket: those stay"
                        + " in the sandbox's memory and never reach the run's volume, which the engine reads)", error(reported));
                assertFalse(reported.containsKey("size_bytes"), reported.toString());
            }
            case AS_OUTPUT_FILE -> {
                assertEquals(false, reported.get("success"), reported.toString());
                assertNull(reported.get("output_file_content"), reported.toString());
                String error = (String) reported.get("error");
                assertTrue(error.contains("output_file /out/result.txt was not written by the container (or, under gVisor,"
                        + " was made as a FIFO or socket"), error);
            }
        }
    }
}
