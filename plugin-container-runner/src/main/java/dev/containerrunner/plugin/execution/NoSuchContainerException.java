package dev.containerrunner.plugin.execution;

/** A container or a path inside it does not exist. */
public class NoSuchContainerException extends ContainerEngineException {

    private static final long serialVersionUID = 1L;

    public NoSuchContainerException(String operation, String message, Throwable cause) {
        super(operation, message, cause);
    }
}
