package dev.containerrunner.plugin.s3;

import dev.containerrunner.plugin.config.S3Config;
import dev.containerrunner.plugin.model.S3Url;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} and {@link ObjectSource} on the AWS SDK v2 S3 client. Files up to
 * {@link #PART_SIZE} go in one PUT; larger ones as a multipart upload, one part buffered at a time,
 * so memory stays bounded whatever the file size. A failed multipart upload is aborted. Reads are
 * streamed from the response ({@link #open}), never buffered; a read closed before the object's end
 * aborts its request instead of downloading the rest ({@link AbortOnEarlyClose}).
 */
public final class S3ObjectStore implements ObjectStore, ObjectSource {

    /** Part size of multipart uploads, and the largest single PUT. */
    public static final int PART_SIZE = 16 << 20;
    /**
     * The longest a socket read (or write) may wait for the next byte before it fails (the SDK's own
     * default, set here so that it stays): a read of {@code inputs} that hangs fails the run
     * ({@code input_failed}) after this, whatever the backend.
     */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** The longest connecting to the store may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final S3Client client;
    private final String bucket;

    public S3ObjectStore(S3Client client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public static S3ObjectStore create(S3Config config) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.region()))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(SOCKET_TIMEOUT).connectionTimeout(CONNECT_TIMEOUT))
                .forcePathStyle(config.pathStyle());
        config.endpoint().ifPresent(e -> b.endpointOverride(URI.create(e)));
        if (config.accessKeyId().isPresent()) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().orElseThrow())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return new S3ObjectStore(b.build(), config.bucket());
    }

    @Override
    public Stored put(String key, InputStream content, long size) {
        MessageDigest sha = sha256();
        DigestInputStream in = new DigestInputStream(content, sha);
        try {
            if (size <= PART_SIZE) {
                byte[] bytes = new byte[(int) size];
                readFully(in, bytes, (int) size);
                client.putObject(r -> r.bucket(bucket).key(key).contentLength(size), RequestBody.fromBytes(bytes));
            } else {
                multipart(key, in, size);
            }
        } catch (SdkException e) {
            throw new ObjectStoreException("uploading s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
        return new Stored("s3://" + bucket + "/" + key, size, HexFormat.of().formatHex(sha.digest()));
    }

    private void multipart(String key, InputStream in, long size) {
        String uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[PART_SIZE];
            long left = size;
            for (int number = 1; left > 0; number++) {
                int n = readFully(in, buffer, (int) Math.min(PART_SIZE, left));
                int part = number;
                String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
                        .contentLength((long) n), RequestBody.fromBytes(n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n)))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
                left -= n;
            }
            client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (RuntimeException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static int readFully(InputStream in, byte[] buffer, int want) {
        try {
            int n = in.readNBytes(buffer, 0, want);
            if (n != want) {
                throw new ObjectStoreException("the engine's archive ended after " + n + " of " + want + " bytes of a part", null);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the file from the engine failed", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public Optional<Listed> head(S3Url url) {
        try {
            var h = client.headObject(r -> r.bucket(url.bucket()).key(url.key()));
            return Optional.of(new Listed(url.key(), h.contentLength(), h.eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new ObjectStoreException("reading " + url + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new ObjectStoreException("reading " + url + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Listed> list(S3Url prefix, int limit) {
        List<Listed> out = new ArrayList<>();
        try {
            for (var o : client.listObjectsV2Paginator(r -> r.bucket(prefix.bucket()).prefix(prefix.key())).contents()) {
                out.add(new Listed(o.key(), o.size(), o.eTag()));
                if (out.size() > limit) {
                    break;
                }
            }
        } catch (SdkException e) {
            throw new ObjectStoreException("listing " + prefix + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public InputStream open(S3Url url, Optional<String> etag) {
        try {
            ResponseInputStream<GetObjectResponse> body = client.getObject(r -> {
                r.bucket(url.bucket()).key(url.key());
                etag.ifPresent(r::ifMatch);
            });
            Long length = body.response().contentLength();
            return new AbortOnEarlyClose(body, body, length == null ? -1 : length);
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 412) {
                throw new ObjectMissingException(url + (e.statusCode() == 404 ? " does not exist" : " changed while it was"
                        + " being read (its ETag is no longer " + etag.orElse("") + ")"), e.statusCode() == 412, e);
            }
            throw new ObjectStoreException("reading " + url + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new ObjectStoreException("reading " + url + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
