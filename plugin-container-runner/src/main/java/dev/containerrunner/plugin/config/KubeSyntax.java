package dev.containerrunner.plugin.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' own syntax rules for the names a profile writes (label keys and values, annotation
 * keys, object names, resource names), checked at start-up so that the API server never refuses a
 * run's pod for them. Each check throws {@link IllegalArgumentException} saying the rule.
 *
 * @apiNote stateless and thread-safe
 */
final class KubeSyntax {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    /**
     * Annotation prefixes that change how the node runs the pod's containers (seccomp and AppArmor
     * profiles, runtime-specific switches): a profile setting them could weaken the hardening.
     */
    static final List<String> HARDENING_ANNOTATION_PREFIXES = List.of("seccomp.security.alpha.kubernetes.io/",
            "container.seccomp.security.alpha.kubernetes.io/", "container.apparmor.security.beta.kubernetes.io/",
            "apparmor.security.beta.kubernetes.io/", "io.kubernetes.cri-o.", "io.containerd.", "run.oci.",
            "io.katacontainers.", "dev.containerrunner");

    private KubeSyntax() {
    }

    /** A label or annotation key: an optional DNS-subdomain prefix (at most 253) and '/', then a name of at most 63. */
    static void qualifiedName(String key, String what) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
            throw new IllegalArgumentException(what + " '" + key + "' has a prefix that is not a DNS subdomain (lower-case"
                    + " letters, digits, '-' and '.', at most 253)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + key + "' is not a Kubernetes name: at most 63 letters, digits,"
                    + " '-', '_' or '.', starting and ending with a letter or digit (optionally after a prefix and '/')");
        }
    }

    /** A label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
    static void labelValue(String value, String what) {
        if (!LABEL_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a label value: at most 63 letters, digits,"
                    + " '-', '_' or '.', starting and ending with a letter or digit (or empty)");
        }
    }

    /** An object name such as a PriorityClass's or RuntimeClass's: a DNS subdomain of at most 253 characters. */
    static void subdomain(String name, String what) {
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a Kubernetes object name (lower-case letters,"
                    + " digits, '-' and '.', starting and ending with a letter or digit, at most 253)");
        }
    }

    /**
     * An extended resource name such as {@code nvidia.com/gpu}: a prefixed name outside the
     * {@code kubernetes.io} domains (those are the cluster's own resources: cpu, memory, ...).
     */
    static void extendedResource(String name) {
        qualifiedName(name, "extended resource");
        int slash = name.lastIndexOf('/');
        String domain = slash < 0 ? "" : name.substring(0, slash);
        if (slash < 0 || domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io") || domain.equals("requests")) {
            throw new IllegalArgumentException("extended resource '" + name + "' must be a name in a vendor's domain such as"
                    + " nvidia.com/gpu (not cpu, memory, ephemeral-storage, hugepages-* or a kubernetes.io name: those are"
                    + " set by memory_limit, cpu_limit, requests and ephemeral_storage)");
        }
    }

    /** An annotation key a profile may set: Kubernetes syntax, and none that changes how the container is confined. */
    static void annotationKey(String key) {
        qualifiedName(key, "annotation key");
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        for (String prefix : HARDENING_ANNOTATION_PREFIXES) {
            if (lower.startsWith(prefix)) {
                throw new IllegalArgumentException("annotation '" + key + "': profiles cannot weaken the hardening, and"
                        + " annotations starting with " + prefix + " change how the container is confined (or are the"
                        + " runner's own); refused prefixes: " + HARDENING_ANNOTATION_PREFIXES);
            }
        }
    }
}
