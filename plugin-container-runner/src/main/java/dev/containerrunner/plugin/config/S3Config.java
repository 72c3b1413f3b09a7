package dev.containerrunner.plugin.config;

import java.util.Optional;

/**
 * Where collect_output uploads: {@code s3: {bucket, region, endpoint, path_style, access_key_id,
 * secret_access_key}}. Without keys, the AWS SDK's default credential chain is used.
 */
public record S3Config(String bucket, String region, Optional<String> endpoint, boolean pathStyle,
                       Optional<String> accessKeyId, Optional<String> secretAccessKey) {
}
