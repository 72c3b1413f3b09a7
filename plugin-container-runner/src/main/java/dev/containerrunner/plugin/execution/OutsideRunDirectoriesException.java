package dev.containerrunner.plugin.execution;

/**
 * A path collect_output cannot read because it is not inside the run's directories, on a backend
 * where nothing else of the container outlives it (Kubernetes). Reported as a missing path whose
 * entry says why, never as "does not exist in the container".
 */
public final class OutsideRunDirectoriesException extends NoSuchContainerException {

    private static final long serialVersionUID = 1L;
    private final String problem;

    /** @param problem worded to follow the path, e.g. {@code "is not inside the run's directories [/out]…"} */
    public OutsideRunDirectoriesException(String problem) {
        super("archive", problem, null);
        this.problem = problem;
    }

    /** What is wrong with the path, worded to follow it. */
    public String problem() {
        return problem;
    }
}
