package dev.containerrunner.plugin.execution;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces the values of a run's secrets with {@value #MARK} in what the runner returns and logs,
 * at the byte level, before any decision about text or base64 is taken.
 *
 * <p>The forms looked for ({@link SecretForms}), for each value of at least {@value #MIN_CHARACTERS}
 * characters (shorter values are not redacted: they would turn ordinary words into {@code ***}):
 * the value's bytes and its base64. Overlapping or adjacent occurrences, of one value or several,
 * become one {@value #MARK}.
 *
 * <p>Not found: a part of a value, a value split by other bytes (e.g. base64 wrapped across lines),
 * other encodings (hex, URL encoding, compression).
 *
 * <p>Cost: a scan of the bytes with the forms indexed by their first byte; the bytes held back
 * between chunks of a stream are only those that could still start a form (at most the longest
 * form less one), so a line that is no part of a value is passed on at once.
 *
 * @apiNote Immutable and thread-safe, except {@link #clear()}, which is called once when the run
 *          that owns the values ended; each {@link Stream} is used by one reader thread.
 */
public final class Redactor {

    /** What a value is replaced with. */
    public static final String MARK = "***";
    /** Values with fewer characters (code points; bytes when the value is not UTF-8) are not redacted. */
    public static final int MIN_CHARACTERS = 4;
    private static final byte[] MARK_BYTES = MARK.getBytes(StandardCharsets.US_ASCII);
    private static final Redactor NONE = new Redactor(List.of());

    /** One byte string to find, and the secret it gives away. */
    private record Form(byte[] bytes, String secret) {
    }

    private final List<Form> forms;
    private final Form[][] byFirstByte = new Form[256][];
    private final int longest;
    private volatile boolean cleared;

    private Redactor(List<Form> forms) {
        this.forms = forms;
        int max = 0;
        List<List<Form>> buckets = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            buckets.add(new ArrayList<>());
        }
        for (Form f : forms) {
            buckets.get(f.bytes()[0] & 0xFF).add(f);
            max = Math.max(max, f.bytes().length);
        }
        for (int b = 0; b < 256; b++) {
            // longest first: the longest form at a position covers the most
            List<Form> bucket = buckets.get(b);
            bucket.sort((x, y) -> Integer.compare(y.bytes().length, x.bytes().length));
            byFirstByte[b] = bucket.isEmpty() ? null : bucket.toArray(new Form[0]);
        }
        this.longest = max;
    }

    /** A redactor that changes nothing (a run without secrets). */
    public static Redactor none() {
        return NONE;
    }

    /**
     * A redactor for {@code values} (secret name to value). The forms are copies: clearing the
     * caller's arrays does not change this redactor; {@link #clear()} clears its own.
     */
    public static Redactor of(Map<String, byte[]> values) {
        List<Form> forms = new ArrayList<>();
        values.forEach((name, value) -> {
            if (SecretForms.characters(value) >= MIN_CHARACTERS) {
                for (byte[] form : SecretForms.of(value)) {
                    if (forms.stream().noneMatch(f -> Arrays.equals(f.bytes(), form))) {
                        forms.add(new Form(form, name));
                    } else {
                        Arrays.fill(form, (byte) 0);
                    }
                }
            }
        });
        return forms.isEmpty() ? NONE : new Redactor(List.copyOf(forms));
    }

    /** Whether this redactor looks for nothing (no secret, or only values too short to redact). */
    public boolean isEmpty() {
        return forms.isEmpty();
    }

    /** {@code bytes} with every value replaced; {@code bytes} itself (not a copy) when none occurs. */
    public byte[] redact(byte[] bytes) {
        if (isEmpty()) {
            return bytes;
        }
        Stream s = stream();
        byte[] out = s.process(bytes, true);
        return s.redacted() ? out : bytes;
    }

    /** {@code text} (as UTF-8) with every value replaced; the same instance when none occurs. Null stays null. */
    public String redact(String text) {
        if (text == null || isEmpty()) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = redact(bytes);
        return out == bytes ? text : new String(out, StandardCharsets.UTF_8);
    }

    /** The name of a secret one of whose forms occurs in {@code bytes}; empty when none does. */
    public Optional<String> secretIn(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            Form f = longestAt(bytes, i, bytes.length);
            if (f != null) {
                return Optional.of(f.secret());
            }
        }
        return Optional.empty();
    }

    /** The redaction of one output stream, fed chunk by chunk. */
    public Stream stream() {
        return new Stream();
    }

    /**
     * Overwrites this redactor's copies of the values with zeros. Afterwards it finds nothing, and
     * its streams pass nothing on (a chunk arriving after the run ended is dropped, not let through
     * unchecked). A redactor without values is not changed. Idempotent.
     */
    public void clear() {
        if (forms.isEmpty()) {
            return; // nothing to forget (and the shared none() must stay usable)
        }
        cleared = true;
        for (Form f : forms) {
            Arrays.fill(f.bytes(), (byte) 0);
        }
    }

    /** The longest form that occurs whole at {@code i} of {@code buf[0, n)}, or null. */
    private Form longestAt(byte[] buf, int i, int n) {
        Form[] bucket = byFirstByte[buf[i] & 0xFF];
        if (bucket == null) {
            return null;
        }
        for (Form f : bucket) {
            byte[] p = f.bytes();
            if (p.length <= n - i && Arrays.equals(buf, i, i + p.length, p, 0, p.length)) {
                return f;
            }
        }
        return null;
    }

    /** Whether {@code buf[i, n)} is the beginning of a longer form (so what follows may complete it). */
    private boolean startsFormAt(byte[] buf, int i, int n) {
        Form[] bucket = byFirstByte[buf[i] & 0xFF];
        if (bucket == null) {
            return false;
        }
        for (Form f : bucket) {
            byte[] p = f.bytes();
            if (p.length > n - i && Arrays.equals(buf, i, n, p, 0, n - i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One stream's redaction: {@link #accept} returns what may be passed on now, holding back the
     * end of the chunk when it could be the beginning of a value that the next chunk completes;
     * {@link #finish} returns the rest. A value split across two chunks, however far apart in
     * time, is found.
     *
     * @apiNote Not thread-safe: one stream, one reader.
     */
    public final class Stream {
        private byte[] held = new byte[0];
        /** How many bytes at the start of {@link #held} belong to a value whose {@value #MARK} was already passed on. */
        private int covered;
        private boolean redacted;

        private Stream() {
        }

        /** The bytes of {@code chunk} (and of earlier chunks held back) that can be passed on now, redacted. */
        public byte[] accept(byte[] chunk) {
            if (cleared) {
                return new byte[0];
            }
            if (isEmpty()) {
                return chunk;
            }
            byte[] buf = held.length == 0 ? chunk : concat(held, chunk);
            return process(buf, false);
        }

        /** The bytes still held back, redacted: the stream ended. */
        public byte[] finish() {
            return isEmpty() || cleared ? new byte[0] : process(held, true);
        }

        /** Whether a value was replaced in this stream so far. */
        public boolean redacted() {
            return redacted;
        }

        private byte[] process(byte[] buf, boolean last) {
            int n = buf.length;
            int cut = last ? n : heldFrom(buf, n);
            byte[] out = new byte[cut + MARK_BYTES.length];
            int size = 0;
            int coverEnd = covered;
            boolean inMark = covered > 0;
            for (int i = 0; i < cut; i++) {
                Form f = longestAt(buf, i, n);
                if (f != null) {
                    coverEnd = Math.max(coverEnd, i + f.bytes().length);
                }
                if (i < coverEnd) {
                    if (!inMark) {
                        out = room(out, size, MARK_BYTES.length);
                        System.arraycopy(MARK_BYTES, 0, out, size, MARK_BYTES.length);
                        size += MARK_BYTES.length;
                        inMark = true;
                        redacted = true;
                    }
                } else {
                    inMark = false;
                    out = room(out, size, 1);
                    out[size++] = buf[i];
                }
            }
            byte[] rest = Arrays.copyOfRange(buf, cut, n);
            Arrays.fill(held, (byte) 0);
            held = rest;
            covered = Math.max(0, coverEnd - cut);
            return size == out.length ? out : Arrays.copyOf(out, size);
        }

        /** The first position from which the rest of {@code buf} could still grow into a form; {@code n} when none. */
        private int heldFrom(byte[] buf, int n) {
            for (int i = Math.max(0, n - longest + 1); i < n; i++) {
                if (startsFormAt(buf, i, n)) {
                    return i;
                }
            }
            return n;
        }
    }

    private static byte[] room(byte[] out, int size, int more) {
        return size + more <= out.length ? out : Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
