package dev.containerrunner.engine;

import dev.containerrunner.spi.TaskAppException;

/** A workflow (or engine configuration) that cannot run as written. Nothing has been run. */
public class WorkflowDefinitionException extends TaskAppException {

    private static final long serialVersionUID = 1L;

    public WorkflowDefinitionException(String message) {
        super(message);
    }

    public WorkflowDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
