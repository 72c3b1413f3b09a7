package dev.containerrunner.plugin.config;

import java.util.Optional;
import java.util.Set;

/**
 * One entry of a profile's {@code tolerations}, checked as the API server would: which taints a
 * task's pod tolerates.
 *
 * <pre>{@code
 * tolerations: [{key: dedicated, operator: Equal, value: batch, effect: NoSchedule}]
 * }</pre>
 *
 * @param key              the taint key; empty only with operator {@code Exists} (tolerates every taint)
 * @param operator         {@code Equal} (default) or {@code Exists} (then no value)
 * @param value            the taint value matched by {@code Equal}
 * @param effect           {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}; empty: every effect
 * @param tolerationSeconds how long a {@code NoExecute} taint is tolerated once it appears; only with {@code NoExecute}
 */
public record ProfileToleration(Optional<String> key, String operator, Optional<String> value, Optional<String> effect,
                                Optional<Long> tolerationSeconds) {

    /** The operators Kubernetes knows for tolerations. */
    public static final Set<String> OPERATORS = Set.of("Equal", "Exists");
    /** The taint effects Kubernetes knows. */
    public static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    static ProfileToleration read(ConfigReader t) {
        Optional<String> key = t.optionalString("key");
        key.ifPresent(k -> t.checked("key", () -> KubeSyntax.qualifiedName(k, "taint key")));
        String operator = t.string("operator", "Equal");
        t.check(OPERATORS.contains(operator), "operator", "must be one of " + new java.util.TreeSet<>(OPERATORS) + ", got '"
                + operator + "'");
        Optional<String> value = t.value("value").map(v -> {
            t.check(v instanceof String, "value", "must be a string (quote numbers and booleans)");
            return (String) v;
        });
        value.ifPresent(v -> t.checked("value", () -> KubeSyntax.labelValue(v, "taint value")));
        t.check(key.isPresent() || operator.equals("Exists"), "key", "is required unless operator is Exists (which then"
                + " tolerates every taint)");
        t.check(!operator.equals("Exists") || value.filter(v -> !v.isEmpty()).isEmpty(), "value",
                "must be left out with operator Exists");
        Optional<String> effect = t.optionalString("effect");
        effect.ifPresent(e -> t.check(EFFECTS.contains(e), "effect", "must be one of " + new java.util.TreeSet<>(EFFECTS)
                + " (or left out: every effect), got '" + e + "'"));
        Optional<Long> seconds = t.optionalWhole("toleration_seconds", 0, 31_536_000);
        t.check(seconds.isEmpty() || effect.equals(Optional.of("NoExecute")), "toleration_seconds",
                "only applies to effect NoExecute");
        t.rejectUnknown();
        return new ProfileToleration(key, operator, value, effect, seconds);
    }
}
