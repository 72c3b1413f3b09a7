package dev.containerrunner.plugin.execution;

/** The image is not present and could not (or must not) be pulled. */
public class ImageNotAvailableException extends ContainerEngineException {

    private static final long serialVersionUID = 1L;
    private final String image;

    public ImageNotAvailableException(String image, String message, Throwable cause) {
        super("image " + image, message, cause);
        this.image = image;
    }

    /** The image reference as asked for. */
    public String image() {
        return image;
    }
}
