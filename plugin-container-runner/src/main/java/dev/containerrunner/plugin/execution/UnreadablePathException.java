package dev.containerrunner.plugin.execution;

import java.io.IOException;

/**
 * A path a source will not read, for a reason the result should carry (e.g. a directory on its way
 * is a symbolic link the source cannot follow safely). Reported as that path's error entry.
 */
public final class UnreadablePathException extends IOException {

    private static final long serialVersionUID = 1L;
    private final CollectedFile.Reason reason;
    private final String problem;

    /** @param problem what is wrong, worded to follow the path, e.g. {@code "is below a symbolic link"} */
    public UnreadablePathException(CollectedFile.Reason reason, String problem) {
        super(problem);
        this.reason = reason;
        this.problem = problem;
    }

    /** The entry for {@code path}. */
    public CollectedFile.Failed entryFor(String path) {
        return CollectedFile.Failed.of(path, reason, problem);
    }
}
