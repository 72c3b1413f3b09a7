package dev.containerrunner.plugin.model;

import java.util.Arrays;
import java.util.Locale;

/** When to pull an image: only when missing (default), always, or never. */
public enum PullPolicy {
    IF_NOT_PRESENT, ALWAYS, NEVER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PullPolicy parse(String text) {
        return Arrays.stream(values()).filter(v -> v.wireName().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not one of if_not_present, always, never"));
    }
}
