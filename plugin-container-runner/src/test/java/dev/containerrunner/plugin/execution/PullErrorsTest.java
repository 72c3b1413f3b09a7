package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What engines and kubelets say when a pull fails, classified (messages as measured on Docker 20.10 and the kubelet). */
class PullErrorsTest {

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "Head \"https://registry.container-runner.test:5443/v2/test/busybox/manifests/1.35\": no basic auth credentials|IMAGE_AUTH_FAILED",
        "unauthorized: authentication required|IMAGE_AUTH_FAILED",
        "pull access denied for evil/tool, repository does not exist or may require 'docker login': denied: requested access to the resource is denied|IMAGE_AUTH_FAILED",
        "get token: unexpected status: 401 Unauthorized|IMAGE_AUTH_FAILED",
        "ErrImagePull: rpc error: code = Unknown desc = Error response from daemon: unauthorized: authentication required|IMAGE_AUTH_FAILED",
        "manifest for registry.container-runner.test:5443/test/busybox:nope not found: manifest unknown: manifest unknown|IMAGE_NOT_FOUND",
        "ErrImagePull: rpc error: code = Unknown desc = Error response from daemon: manifest for x:1 not found: manifest unknown|IMAGE_NOT_FOUND",
        "ErrImageNeverPull: Container image \"app:1\" is not present with pull policy of Never|IMAGE_NOT_FOUND",
        "name unknown: repository name not known to registry|IMAGE_NOT_FOUND",
        "Get \"https://registry.container-runner.test:5443/v2/\": dial tcp [::1]:5443: connect: connection refused|REGISTRY_UNREACHABLE",
        "Get \"https://nowhere.invalid/v2/\": dial tcp: lookup nowhere.invalid: no such host|REGISTRY_UNREACHABLE",
        "Get \"https://r.example:5443/v2/\": x509: certificate signed by unknown authority|REGISTRY_UNREACHABLE",
        "Get \"https://127.0.0.1:5443/v2/test/busybox/manifests/1.35\": read tcp 127.0.0.1:4->127.0.0.1:5443: read: connection reset by peer|REGISTRY_UNREACHABLE",
        "Get \"http://127.0.0.1:5443/v2/\": Client sent an HTTP request to an HTTPS server.|REGISTRY_UNREACHABLE",
        "Get \"https://r.example/v2/\": net/http: TLS handshake timeout|REGISTRY_UNREACHABLE",
        "Get \"https://r.example/v2/\": EOF|REGISTRY_UNREACHABLE",
    })
    void theEnginesWordsGiveTheClass(String message, FailureReason reason) {
        assertEquals(Optional.of(reason), PullErrors.classify(message));
    }

    @Test
    void wordsInsideAnImageNameDoNotCount() {
        // a reference holds no space or ": ": names like these must not decide the class
        for (String ref : List.of("geoffrey/app:1", "team/unauthorized:1", "x509/tool:1", "timeout/not-found:1")) {
            assertEquals(Optional.empty(), PullErrors.classify("pull of " + ref + " failed oddly"), ref);
        }
        assertEquals(Optional.empty(), PullErrors.classify("toomanyrequests: You have reached your pull rate limit"));
        assertEquals(Optional.empty(), PullErrors.classify(null));
    }

    @Test
    void aClassifiedFailureSaysItPlainlyNamingTheRegistryAndTheCredentialsSource() {
        ImageNotAvailableException e = PullErrors.failure("r.example/a:1", "r.example",
                Optional.of("registries[r.example] password_env TOKEN"), "unauthorized: authentication required", null);
        assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
        assertEquals("image r.example/a:1: pull failed: registry r.example refused the credentials from registries[r.example]"
                + " password_env TOKEN: unauthorized: authentication required", e.getMessage());
        assertEquals(Map.of("failure_reason", "image_auth_failed"), e.resultFields());

        ImageNotAvailableException anonymous = PullErrors.failure("r.example/a:1", "r.example", Optional.empty(),
                "no basic auth credentials", null);
        assertTrue(anonymous.getMessage().contains("registry r.example requires credentials and none are configured for it"),
                anonymous.getMessage());

        ImageNotAvailableException odd = PullErrors.failure("r.example/a:1", "r.example", Optional.empty(), "disk full", null);
        assertEquals(Optional.empty(), odd.reason());
        assertEquals("image r.example/a:1: pull failed (registry error): disk full", odd.getMessage());
        assertEquals(Map.of(), odd.resultFields(), "no failure_reason where the class is not known");
    }

    @Test
    void wireNamesAndRetryability() {
        assertEquals("image_not_found", FailureReason.IMAGE_NOT_FOUND.wireName());
        assertEquals("image_auth_failed", FailureReason.IMAGE_AUTH_FAILED.wireName());
        assertEquals("registry_unreachable", FailureReason.REGISTRY_UNREACHABLE.wireName());
        assertEquals("pull_timeout", FailureReason.PULL_TIMEOUT.wireName());
        assertFalse(FailureReason.IMAGE_NOT_FOUND.retryable());
        assertFalse(FailureReason.IMAGE_AUTH_FAILED.retryable());
        assertTrue(FailureReason.REGISTRY_UNREACHABLE.retryable());
        assertTrue(FailureReason.PULL_TIMEOUT.retryable());
    }
}
