package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.plugin.model.MemorySize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code profiles} section into {@link PodProfiles}, strictly: unknown keys are refused
 * naming the key and the known ones, every value is checked by value and range with Kubernetes'
 * own syntax rules, and a key that would weaken the hardening (host namespaces, privileges,
 * capabilities, security contexts, service account and its token, volumes) is refused with a
 * message saying profiles cannot weaken the hardening.
 */
final class ProfileReader {

    /**
     * Keys (compared without {@code _}/{@code -} and case) a profile may never hold: each would loosen
     * the pod's hardening. Refused with their own message, not as merely unknown.
     */
    static final Set<String> HARDENING_KEYS = Set.of("hostpath", "hostnetwork", "hostpid", "hostipc", "hostports", "hostport",
            "hostusers", "hostaliases", "privileged", "capabilities", "capadd", "addcapabilities", "securitycontext",
            "podsecuritycontext", "serviceaccount", "serviceaccountname", "automountserviceaccounttoken", "volumes",
            "volumemounts", "allowprivilegeescalation", "runasuser", "runasgroup", "runasnonroot", "fsgroup",
            "supplementalgroups", "seccompprofile", "seccomp", "apparmor", "apparmorprofile", "selinuxoptions", "procmount",
            "sysctls", "shareprocessnamespace", "readonlyrootfilesystem", "user", "devices", "network");
    private static final String NAME = "[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?";
    private static final int MOST_EXTENDED = 1024;

    private ProfileReader() {
    }

    /**
     * @param runtime the configured {@code runtime}: a profile may not replace it by another RuntimeClass
     */
    static PodProfiles read(ConfigReader r, double maxCpu, MemorySize maxMemory, Optional<String> runtime) {
        Map<String, PodProfile> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigReader> e : r.entries("profiles").entrySet()) {
            String name = e.getKey();
            ConfigReader p = e.getValue();
            r.check(name.matches(NAME), "profiles[" + name + "]", "is not a profile name: at most 63 lower-case letters,"
                    + " digits, '-', '_' or '.', starting and ending with a letter or digit");
            out.put(name, profile(name, p, maxCpu, maxMemory, runtime));
        }
        return new PodProfiles(out);
    }

    private static PodProfile profile(String name, ConfigReader p, double maxCpu, MemorySize maxMemory, Optional<String> runtime) {
        for (String key : p.keys()) {
            if (HARDENING_KEYS.contains(key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT))) {
                throw p.error(key, "is refused: profiles cannot weaken the hardening (the pod's security contexts, volumes,"
                        + " service account and token, host namespaces and privileges are fixed by the runner); a profile"
                        + " sets only node_selector, tolerations, affinity, priority_class_name, requests, ephemeral_storage,"
                        + " extended_resources, annotations, runtime_class_name and allowed_images");
            }
        }
        Map<String, String> selector = p.stringMap("node_selector");
        selector.forEach((k, v) -> {
            p.checked("node_selector", () -> KubeSyntax.qualifiedName(k, "node label key"));
            p.checked("node_selector", () -> KubeSyntax.labelValue(v, "node label value of " + k));
        });
        List<ProfileToleration> tolerations = p.objectList("tolerations").stream().map(ProfileToleration::read).toList();
        Optional<NodeAffinity> affinity = p.section("affinity").map(NodeAffinity::read);
        Optional<String> priority = p.optionalString("priority_class_name");
        priority.ifPresent(c -> p.checked("priority_class_name", () -> KubeSyntax.subdomain(c, "PriorityClass name")));
        ProfileRequests requests = p.section("requests").map(q -> ProfileRequests.read(q, maxCpu, maxMemory))
                .orElseGet(ProfileRequests::none);
        Optional<StorageSize>[] storage = ephemeralStorage(p);
        Map<String, Long> extended = new LinkedHashMap<>();
        p.section("extended_resources").ifPresent(x -> {
            for (String resource : x.keys()) {
                x.checked(resource, () -> KubeSyntax.extendedResource(resource));
                extended.put(resource, x.longValue(resource, 0, 1, MOST_EXTENDED));
            }
        });
        Map<String, String> annotations = p.stringMap("annotations");
        annotations.keySet().forEach(k -> p.checked("annotations", () -> KubeSyntax.annotationKey(k)));
        p.check(annotations.entrySet().stream().mapToLong(a -> a.getKey().length() + (long) a.getValue().length()).sum()
                <= 64 * 1024, "annotations", "are larger than 64 KiB together (the API server allows 256 KiB for all of a"
                + " pod's annotations, the runner's own included)");
        Optional<String> runtimeClass = p.optionalString("runtime_class_name");
        runtimeClass.ifPresent(c -> p.checked("runtime_class_name", () -> KubeSyntax.subdomain(c, "RuntimeClass name")));
        p.check(runtimeClass.isEmpty() || runtime.isEmpty() || runtime.equals(runtimeClass), "runtime_class_name",
                "('" + runtimeClass.orElse("") + "') would replace the configured runtime '" + runtime.orElse("")
                        + "': profiles cannot weaken the hardening, and the configured runtime (e.g. gVisor) is part of it");
        List<ImagePattern> images = p.stringList("allowed_images").stream().map(entry -> {
            ImagePattern[] pattern = new ImagePattern[1];
            p.checked("allowed_images", () -> pattern[0] = ImagePattern.parse(entry));
            return pattern[0];
        }).toList();
        p.rejectUnknown();
        return new PodProfile(name, selector, tolerations, affinity, priority, requests, storage[0], storage[1], extended,
                annotations, runtimeClass, images);
    }

    /** {@code ephemeral_storage: {request, limit}}: [request, limit], request at most limit. */
    @SuppressWarnings("unchecked")
    private static Optional<StorageSize>[] ephemeralStorage(ConfigReader p) {
        Optional<StorageSize>[] out = new Optional[] {Optional.empty(), Optional.empty()};
        p.section("ephemeral_storage").ifPresent(s -> {
            out[0] = size(s, "request");
            out[1] = size(s, "limit");
            s.check(out[0].isPresent() || out[1].isPresent(), "request", "or limit is required in ephemeral_storage");
            s.check(out[0].isEmpty() || out[1].isEmpty() || out[0].get().compareTo(out[1].get()) <= 0, "request",
                    "(" + out[0].map(String::valueOf).orElse("") + ") is above limit (" + out[1].map(String::valueOf).orElse("")
                            + ")");
            s.rejectUnknown();
        });
        return out;
    }

    private static Optional<StorageSize> size(ConfigReader s, String key) {
        return s.value(key).map(v -> {
            StorageSize[] size = new StorageSize[1];
            s.checked(key, () -> size[0] = StorageSize.parse(v));
            return size[0];
        });
    }
}
