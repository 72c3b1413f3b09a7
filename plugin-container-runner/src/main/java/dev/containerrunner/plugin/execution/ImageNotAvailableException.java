package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The image is not present and could not (or must not) be pulled. When the cause is known it
 * carries a {@link FailureReason}, which the task's result gets as {@code failure_reason}.
 */
public class ImageNotAvailableException extends ContainerEngineException {

    private static final long serialVersionUID = 1L;
    private final String image;
    private final FailureReason reason;

    /** A failure whose class is not known. */
    public ImageNotAvailableException(String image, String message, Throwable cause) {
        this(image, null, message, cause);
    }

    /** A failure of class {@code reason} (null when not known). */
    public ImageNotAvailableException(String image, FailureReason reason, String message, Throwable cause) {
        super("image " + image, message, cause, reason);
        this.image = image;
        this.reason = reason;
    }

    /** The image reference as asked for. */
    public String image() {
        return image;
    }

    /** Why the image is not available, when known. */
    public Optional<FailureReason> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * {@code failure_reason} when the class is known, and the run's {@code usage} keys when set; nothing otherwise (an engine adds
     * {@code retryable} from the SPI's {@link dev.containerrunner.spi.FailureReason}).
     */
    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        reason().ifPresent(r -> fields.put(FailureReason.RESULT_KEY, r.wireName()));
        putUsage(fields);
        return fields;
    }
}
