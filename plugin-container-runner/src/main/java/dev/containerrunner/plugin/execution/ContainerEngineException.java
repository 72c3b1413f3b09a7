package dev.containerrunner.plugin.execution;

/** The container engine failed an operation, or could not be reached. Names the operation. */
public class ContainerEngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String operation;

    public ContainerEngineException(String operation, String message, Throwable cause) {
        super(operation + ": " + message, cause);
        this.operation = operation;
    }

    /** The operation that failed, e.g. {@code remove container}. */
    public String operation() {
        return operation;
    }
}
