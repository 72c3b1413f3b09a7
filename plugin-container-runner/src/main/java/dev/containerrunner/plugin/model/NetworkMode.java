package dev.containerrunner.plugin.model;

import java.util.Arrays;
import java.util.Locale;

/** The network a container gets. {@code none} (only loopback) is the default. */
public enum NetworkMode {
    NONE, BRIDGE, HOST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NetworkMode parse(String text) {
        return Arrays.stream(values()).filter(v -> v.wireName().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not one of none, bridge, host"));
    }
}
