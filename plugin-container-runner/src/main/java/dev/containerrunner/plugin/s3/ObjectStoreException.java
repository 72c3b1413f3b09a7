package dev.containerrunner.plugin.s3;

/** An upload that failed. */
public class ObjectStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
