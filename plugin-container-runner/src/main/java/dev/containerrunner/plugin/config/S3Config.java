package dev.containerrunner.plugin.config;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.List;
import java.util.Optional;

/**
 * Where collect_output uploads: {@code s3: {bucket, region, endpoint, path_style, access_key_id,
 * secret_access_key}}. Without keys, the AWS SDK's default credential chain is used.
 */
public record S3Config(String bucket, String region, Optional<String> endpoint, boolean pathStyle,
                       Optional<String> accessKeyId, Optional<String> secretAccessKey) {

    /** Reads the {@code s3} section, naming the key in every error. */
    static S3Config read(ConfigReader r) {
        String bucket = r.optionalString("bucket").orElseThrow(() -> new InvalidConfigurationException(r.app(),
                r.prefix() + "bucket", "is required when s3 is configured"));
        r.check(bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "bucket", "is not a valid S3 bucket name");
        String region = r.string("region", "us-east-1");
        Optional<String> endpoint = r.optionalString("endpoint");
        endpoint.ifPresent(e -> r.checked("endpoint", () -> Endpoints.s3Endpoint(e)));
        boolean pathStyle = r.bool(List.of("path_style"), false);
        Optional<String> key = r.optionalString("access_key_id");
        Optional<String> secret = r.optionalString("secret_access_key");
        r.check(key.isPresent() == secret.isPresent(), key.isPresent() ? "secret_access_key" : "access_key_id",
                "must be given together with " + (key.isPresent() ? "access_key_id" : "secret_access_key"));
        r.rejectUnknown();
        return new S3Config(bucket, region, endpoint, pathStyle, key, secret);
    }
}
