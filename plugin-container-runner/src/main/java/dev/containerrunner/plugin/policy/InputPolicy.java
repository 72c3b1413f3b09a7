package dev.containerrunner.plugin.policy;

import dev.containerrunner.plugin.config.S3Config;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.S3Input;
import dev.containerrunner.plugin.model.S3Url;
import java.util.List;
import java.util.Optional;

/**
 * The {@code inputs} kwarg against the configuration: an {@code s3} store must be configured with
 * {@code input_prefixes}, and every URL must lie under one of them ({@link S3Url#isUnder}: the same
 * bucket, and a key starting with the prefix's, which ends in {@code /}).
 *
 * @apiNote stateless and thread-safe
 */
final class InputPolicy {

    private InputPolicy() {
    }

    /** @throws PolicyDeniedException naming the first input whose URL may not be read */
    static void check(RunRequest request, Optional<S3Config> s3) {
        if (request.inputs().isEmpty()) {
            return;
        }
        if (s3.isEmpty()) {
            throw new PolicyDeniedException(request.action(), "inputs", "need an S3 store, and none is configured (configure"
                    + " apps.container_runner.s3: {bucket, ..., input_prefixes: [\"s3://bucket/prefix/\"]})");
        }
        List<S3Url> prefixes = s3.get().inputPrefixes();
        if (prefixes.isEmpty()) {
            throw new PolicyDeniedException(request.action(), "inputs", "may only read under s3.input_prefixes, and none are"
                    + " configured (add e.g. input_prefixes: [\"s3://" + s3.get().bucket() + "/artifacts/\"] to the s3 section)");
        }
        for (int i = 0; i < request.inputs().size(); i++) {
            S3Input in = request.inputs().get(i);
            if (prefixes.stream().noneMatch(in.url()::isUnder)) {
                throw new PolicyDeniedException(request.action(), "inputs[" + i + "].s3_url", "(" + in.url() + ") is not under"
                        + " any of s3.input_prefixes " + prefixes + ": only keys under those prefixes may be read");
            }
        }
    }
}
