package dev.containerrunner.plugin.execution;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Watches a tar stream on its way to the tar reader and keeps each entry's name as the archive's
 * exact bytes (the tar library decodes PAX {@code path} records and names with replacement
 * characters, so a name that is not UTF-8 would lose its bytes there). Understands ustar names with
 * their prefix, PAX {@code path} and {@code size} records and GNU long names; names longer than
 * 64 KiB stop the watching (the reader's names are used then).
 *
 * @apiNote Not thread-safe: used by the one thread reading the archive.
 */
final class TarNameTap extends FilterInputStream {

    private static final int BLOCK = 512;
    private static final int MAX_EXTENSION = 64 * 1024;

    private final byte[] header = new byte[BLOCK];
    private final ArrayDeque<byte[]> names = new ArrayDeque<>();
    private int headerFill;
    private long skip;
    private long extensionLeft;
    private ByteArrayOutputStream extension;
    private char extensionType;
    private byte[] paxPath;
    private Long paxSize;
    private byte[] longName;
    private boolean off;

    TarNameTap(InputStream in) {
        super(in);
    }

    /** The exact name of the next entry the reader returns, or null when unknown. */
    byte[] nextName() {
        return off ? null : names.poll();
    }

    /** Stops watching (the reader's names are used from now on). */
    void stop() {
        off = true;
        names.clear();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            watch(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            watch(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    private void watch(byte[] b, int from, int len) {
        int i = from;
        int end = from + len;
        while (i < end && !off) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                if (extension != null && extensionLeft > 0) {
                    int keep = (int) Math.min(extensionLeft, n);
                    extension.write(b, i, keep);
                    extensionLeft -= keep;
                }
                skip -= n;
                i += n;
                if (skip == 0 && extension != null) {
                    extensionDone();
                }
            } else {
                int n = Math.min(BLOCK - headerFill, end - i);
                System.arraycopy(b, i, header, headerFill, n);
                headerFill += n;
                i += n;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    onHeader();
                }
            }
        }
    }

    private void onHeader() {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return;
        }
        char type = (char) header[156];
        long size = size();
        if (size < 0) {
            stop();
            return;
        }
        if (type == 'x' || type == 'L') {
            if (size > MAX_EXTENSION) {
                stop();
                return;
            }
            extension = new ByteArrayOutputStream((int) size);
            extensionLeft = size;
            extensionType = type;
        } else if (type != 'g' && type != 'K') {
            byte[] name = paxPath != null ? paxPath : longName != null ? longName : ustarName();
            names.add(name);
            if (paxSize != null) {
                size = paxSize;
            }
            paxPath = null;
            paxSize = null;
            longName = null;
        }
        skip = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (skip == 0 && extension != null) {
            extensionDone();
        }
    }

    private void extensionDone() {
        byte[] data = extension.toByteArray();
        extension = null;
        if (extensionType == 'L') {
            int n = data.length;
            while (n > 0 && data[n - 1] == 0) {
                n--;
            }
            longName = java.util.Arrays.copyOf(data, n);
            return;
        }
        int p = 0;
        while (p < data.length) { // records "LEN key=value\n", LEN counting the whole record
            int space = p;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            long length;
            try {
                length = Long.parseLong(new String(data, p, space - p, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                stop();
                return;
            }
            int recordEnd = (int) (p + length);
            int eq = space + 1;
            while (eq < recordEnd && data[eq] != '=') {
                eq++;
            }
            if (length <= 0 || recordEnd > data.length || eq >= recordEnd) {
                stop();
                return;
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.US_ASCII);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, recordEnd - 1);
            if (key.equals("path")) {
                paxPath = value;
            } else if (key.equals("size")) {
                try {
                    paxSize = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    stop();
                    return;
                }
            }
            p = recordEnd;
        }
    }

    private long size() {
        if ((header[124] & 0x80) != 0) { // base-256
            long v = header[124] & 0x7F;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (header[i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            int c = header[i] & 0xFF;
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private byte[] ustarName() {
        byte[] name = field(0, 100);
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        byte[] prefix = posix ? field(345, 155) : new byte[0];
        if (prefix.length == 0) {
            return name;
        }
        byte[] joined = new byte[prefix.length + 1 + name.length];
        System.arraycopy(prefix, 0, joined, 0, prefix.length);
        joined[prefix.length] = '/';
        System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
        return joined;
    }

    private byte[] field(int offset, int length) {
        int n = 0;
        while (n < length && header[offset + n] != 0) {
            n++;
        }
        return java.util.Arrays.copyOfRange(header, offset, offset + n);
    }
}
