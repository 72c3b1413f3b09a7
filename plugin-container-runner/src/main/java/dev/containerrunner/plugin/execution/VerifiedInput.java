package dev.containerrunner.plugin.execution;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes of one {@link InputObject} as they stream past: counted and hashed (SHA-256), and
 * checked when the stream ends: exactly {@link InputObject#size()} bytes (fewer: {@code input_failed},
 * the read ended short), and the request's sha256 if it gave one ({@code input_checksum_mismatch}).
 * A failed check throws {@link InputFailedException} from the read that reached the end, so whatever
 * consumes the stream never sees a clean end of a wrong object. Holds no buffer of its own.
 *
 * @apiNote Not thread-safe: one reader.
 */
public final class VerifiedInput extends FilterInputStream {

    private final InputObject object;
    private final MessageDigest sha;
    private long count;
    private String digest;
    private boolean verified;

    /** The bytes of {@code object} read from {@code in}. */
    public VerifiedInput(InputObject object, InputStream in) {
        super(in);
        this.object = object;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (digest != null) {
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new InputFailedException(object.url().toString(), "reading failed after " + count + " of " + object.size()
                    + " bytes: " + e.getMessage(), e, FailureReason.INPUT_FAILED);
        }
        if (n < 0) {
            end();
            return -1;
        }
        if (count + n > object.size()) {
            throw new InputFailedException(object.url().toString(), "has more than the " + object.size() + " bytes the store"
                    + " reported (it changed while it was read)", null, FailureReason.INPUT_FAILED);
        }
        sha.update(b, off, n);
        count += n;
        return n;
    }

    private void end() {
        if (count != object.size()) {
            throw new InputFailedException(object.url().toString(), "ended after " + count + " of its " + object.size()
                    + " bytes (a short read): not delivered", null, FailureReason.INPUT_FAILED);
        }
        digest = HexFormat.of().formatHex(sha.digest());
        if (object.sha256().isPresent() && !object.sha256().get().equals(digest)) {
            throw new InputFailedException(object.url().toString(), "has sha256 " + digest + ", not the " + object.sha256().get()
                    + " the request gives for it: not delivered, nothing ran", null, FailureReason.INPUT_CHECKSUM_MISMATCH);
        }
        verified = true;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte must be read to be hashed
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether the stream reached its end and passed its checks (size, and the request's sha256). */
    public boolean ended() {
        return verified;
    }

    /** The SHA-256 of the bytes read, once the stream has ended and its checks passed. */
    public String digest() {
        if (digest == null) {
            throw new IllegalStateException("the input's stream has not ended yet");
        }
        return digest;
    }

    /** What was delivered: the object, where, its size and digest (after the end). */
    public DeliveredInput delivered() {
        return new DeliveredInput(object.url().toString(), object.path().value(), count, digest());
    }
}
