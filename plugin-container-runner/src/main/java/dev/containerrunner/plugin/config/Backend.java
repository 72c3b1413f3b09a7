package dev.containerrunner.plugin.config;

import java.util.Arrays;
import java.util.Locale;

/** Where the actions' containers run ({@code backend: docker | kubernetes}). */
public enum Backend {
    DOCKER, KUBERNETES;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Backend parse(String text) {
        return Arrays.stream(values()).filter(b -> b.wireName().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be 'docker' or 'kubernetes', got '" + text + "'"));
    }
}
