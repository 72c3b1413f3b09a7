package dev.containerrunner.spi;

/** Base of the SPI's typed, unchecked exceptions. */
public class TaskAppException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskAppException(String message) {
        super(message);
    }

    public TaskAppException(String message, Throwable cause) {
        super(message, cause);
    }
}
