package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.S3Url;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The S3 store: where collect_output uploads, and what {@code inputs} may read: {@code s3: {bucket,
 * region, endpoint, path_style, access_key_id, secret_access_key, input_prefixes}}. Without keys,
 * the AWS SDK's default credential chain is used.
 *
 * @param inputPrefixes the prefixes under which {@code inputs} may read ({@code input_prefixes}: each
 *                      {@code s3://bucket/prefix/}, ending in {@code /}); empty: {@code inputs} is refused
 */
public record S3Config(String bucket, String region, Optional<String> endpoint, boolean pathStyle,
                       Optional<String> accessKeyId, Optional<String> secretAccessKey, List<S3Url> inputPrefixes) {

    public S3Config {
        inputPrefixes = List.copyOf(inputPrefixes);
    }

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
        List<S3Url> prefixes = new ArrayList<>();
        List<String> given = r.stringList("input_prefixes");
        for (int i = 0; i < given.size(); i++) {
            String name = "input_prefixes[" + i + "]";
            S3Url url;
            try {
                url = S3Url.parse(given.get(i));
            } catch (IllegalArgumentException e) {
                throw r.error(name, e.getMessage());
            }
            r.check(url.isPrefix(), name, "('" + url + "') must end with '/': a prefix such as s3://" + url.bucket() + "/"
                    + url.key() + "/ (so that s3://bucket/pre never admits s3://bucket/prefix-other/...)");
            prefixes.add(url);
        }
        r.rejectUnknown();
        return new S3Config(bucket, region, endpoint, pathStyle, key, secret, prefixes);
    }
}
