package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImageReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code kubernetes} section, read when {@code backend: kubernetes}.
 *
 * <pre>{@code
 * backend: kubernetes
 * kubernetes:
 *   namespace: container-runner       # default: the kubeconfig context's namespace, else "default"
 *   kubeconfig: /etc/runner/kubeconfig  # default: $KUBECONFIG, ~/.kube/config, then in-cluster
 *   context: prod                     # a kubeconfig context other than the current one
 *   service_account: runner-tasks     # the pods' account (its token is never mounted)
 *   helper_image: busybox:1.36        # sh/cp/tar/sleep: places input_file, keeps output dirs readable
 *   start_timeout_seconds: 120        # how long a pod may take to be scheduled and start
 *   network_policy: true              # network 'none' = a deny-all NetworkPolicy per run
 *   image_pull_secrets: [regcred]     # existing dockerconfigjson Secrets every run's pod references
 * }</pre>
 */
public record KubernetesConfig(
        Optional<String> namespace,
        Optional<String> kubeconfig,
        Optional<String> context,
        Optional<String> serviceAccount,
        String helperImage,
        Duration startTimeout,
        boolean networkPolicy,
        List<String> imagePullSecrets) {

    public static final String DEFAULT_HELPER_IMAGE = "busybox:1.36";

    static KubernetesConfig read(ConfigReader r) {
        Optional<String> namespace = r.optionalString("namespace");
        namespace.ifPresent(n -> r.check(n.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), "namespace",
                "must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)"));
        Optional<String> kubeconfig = r.optionalString("kubeconfig");
        kubeconfig.ifPresent(k -> r.check(new java.io.File(k).isFile(), "kubeconfig", "names no readable file: " + k));
        Optional<String> context = r.optionalString("context");
        Optional<String> account = r.optionalString("service_account");
        account.ifPresent(a -> r.check(a.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"), "service_account",
                "must be a service account name (lower-case letters, digits, '-' and '.')"));
        String helper = r.string("helper_image", DEFAULT_HELPER_IMAGE);
        r.checked("helper_image", () -> ImageReference.parse(helper));
        int start = r.intValue(java.util.List.of("start_timeout_seconds"), 120, 5, 3600);
        boolean policy = r.bool(java.util.List.of("network_policy"), true);
        List<String> pullSecrets = r.stringList("image_pull_secrets");
        pullSecrets.forEach(s -> r.check(s.length() <= 253 && s.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"), "image_pull_secrets",
                "'" + s + "' is not a Secret name (lower-case letters, digits, '-' and '.', at most 253)"));
        r.rejectUnknown();
        return new KubernetesConfig(namespace, kubeconfig, context, account, helper, Duration.ofSeconds(start), policy,
                List.copyOf(pullSecrets));
    }

    static KubernetesConfig defaults() {
        return new KubernetesConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                DEFAULT_HELPER_IMAGE, Duration.ofSeconds(120), true, List.of());
    }
}
