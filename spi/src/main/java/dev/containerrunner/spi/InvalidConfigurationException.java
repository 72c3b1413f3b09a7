package dev.containerrunner.spi;

/** An app configuration that cannot be accepted. Names the app and the key at fault. */
public class InvalidConfigurationException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String app;
    private final String key;

    public InvalidConfigurationException(String app, String key, String problem) {
        super("configuration of app '" + app + "': key '" + key + "' " + problem);
        this.app = app;
        this.key = key;
    }

    public String app() {
        return app;
    }

    public String key() {
        return key;
    }
}
