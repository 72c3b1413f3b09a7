package dev.containerrunner.plugin.s3;

/** The object asked for does not exist (or changed since it was listed, when {@code changed}). */
public class ObjectMissingException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;
    private final boolean changed;

    /** @param changed whether the object is there but no longer the one listed (a conditional read failed) */
    public ObjectMissingException(String message, boolean changed, Throwable cause) {
        super(message, cause);
        this.changed = changed;
    }

    /** Whether the object exists but changed since it was listed. */
    public boolean changed() {
        return changed;
    }
}
