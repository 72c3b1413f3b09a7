package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.spi.ActionContext;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runner's labels on Kubernetes objects: the same keys as on Docker containers. Label values
 * there are limited (63 characters, {@code [A-Za-z0-9._-]}), so values that may not fit (workflow,
 * run, task, owner, timestamps) are carried exactly in annotations and, where a selector needs
 * them, as a sanitised label too.
 */
final class KubeLabels {

    /** On the pod template only: selects a run's pod (NetworkPolicy, lookups). */
    static final String POD_ATTEMPT = Labels.ATTEMPT;
    /** Annotation: the directories collect_output can read, newline-separated. */
    static final String COLLECTABLE_DIRS = Labels.PREFIX + "collectable-dirs";

    private KubeLabels() {
    }

    record Metadata(Map<String, String> labels, Map<String, String> annotations) {
    }

    static Metadata forAttempt(ActionContext ctx, String attempt, Instant expiresAt, Duration retention, boolean releaseAtRunEnd) {
        Map<String, String> all = Labels.forAttempt(ctx, attempt, expiresAt, retention, releaseAtRunEnd);
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            labels.put(k, validValue(v) ? v : sanitize(v));
            annotations.put(k, v);
        });
        labels.remove(Labels.CREATED_AT);
        labels.remove(Labels.OWNER);
        labels.remove(Labels.OWNER_STARTED);
        return new Metadata(labels, annotations);
    }

    /** A label value for {@code value}: invalid characters become '-', at most 63, alphanumeric ends. */
    static String sanitize(String value) {
        String s = value.replaceAll("[^A-Za-z0-9._-]", "-");
        if (s.length() > 63) {
            s = s.substring(0, 63);
        }
        s = s.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return s.isEmpty() ? "x" : s;
    }

    static boolean validValue(String v) {
        return v.length() <= 63 && v.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    }

    /** An object's labels and the runner's annotations merged, annotations (exact values) winning. */
    static Map<String, String> merged(ObjectMeta meta) {
        return merged(meta.getLabels(), meta.getAnnotations());
    }

    /** Labels and annotations of an object merged, annotations (exact values) winning. */
    static Map<String, String> merged(Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> m = new LinkedHashMap<>();
        if (labels != null) {
            m.putAll(labels);
        }
        if (annotations != null) {
            annotations.forEach((k, v) -> {
                if (k.startsWith(Labels.PREFIX)) {
                    m.put(k, v);
                }
            });
        }
        return m;
    }
}
