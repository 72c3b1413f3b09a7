package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.S3Url;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The tar generated as it is read, with each object verified on the way ({@link VerifiedInput}). */
class TarStreamTest {

    /** {@code size} deterministic bytes, generated as they are read: never held. */
    static final class Synthetic extends InputStream {
        private final long size;
        private long pos;

        Synthetic(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return pos < size ? (int) (pos++ * 31 >>> 3) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (pos++ * 31 >>> 3);
            }
            return n;
        }
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static InputObject object(String key, String path, long size, String sha) {
        return new InputObject(new S3Url("data", key), new ContainerPath(path), "/in", size, Optional.ofNullable(sha), null);
    }

    @Test
    void aLargeStreamGoesThroughWithMemoryBoundedByTheChunk() throws Exception {
        long size = 512L << 20;
        String expected = sha256(new Synthetic(size));
        InputObject big = object("big.bin", "/in/sub/big.bin", size, expected);
        VerifiedInput[] verified = new VerifiedInput[1];
        TarStream tar = new TarStream(1000, 1000, List.of(TarStream.Item.directory("sub", 0755),
                new TarStream.Item("sub/big.bin", 0644, size, () -> verified[0] = new VerifiedInput(big, new Synthetic(size))),
                new TarStream.Item("small.txt", 0644, 5, () -> new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)))),
                64 << 10);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = mem.getHeapMemoryUsage().getUsed();
        long midway = -1;
        try (TarArchiveInputStream in = TarArchives.reader(tar)) {
            TarArchiveEntry dir = in.getNextEntry();
            assertEquals("sub/", dir.getName());
            assertTrue(dir.isDirectory());
            assertEquals(1000, dir.getLongUserId());
            TarArchiveEntry file = in.getNextEntry();
            assertEquals("sub/big.bin", file.getName());
            assertEquals(size, file.getSize());
            assertEquals(0644, file.getMode() & 07777);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long read = 0;
            for (int n; (n = in.read(buf)) > 0; read += n) {
                d.update(buf, 0, n);
                if (midway < 0 && read > size / 2) {
                    System.gc();
                    midway = mem.getHeapMemoryUsage().getUsed() - before;
                }
            }
            assertEquals(size, read);
            assertEquals(expected, HexFormat.of().formatHex(d.digest()));
            TarArchiveEntry small = in.getNextEntry();
            assertEquals("small.txt", small.getName());
            assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertNull(in.getNextEntry());
        }
        System.out.printf("512 MiB through TarStream: heap growth midway %d KiB%n", midway >> 10);
        assertTrue(midway < 16 << 20, "memory must not scale with the object: grew " + (midway >> 20) + " MiB halfway through 512 MiB");
        assertEquals(expected, verified[0].digest());
        assertEquals(new DeliveredInput("s3://data/big.bin", "/in/sub/big.bin", size, expected), verified[0].delivered());
        assertNull(tar.failure());
    }

    @Test
    void aWrongSha256FailsTheArchiveAtTheObjectsEndSoItNeverEndsCleanly() throws Exception {
        byte[] bytes = "not what you expect".getBytes(StandardCharsets.UTF_8);
        InputObject o = object("x", "/in/x", bytes.length, "0".repeat(64));
        TarStream tar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, bytes.length,
                () -> new VerifiedInput(o, new ByteArrayInputStream(bytes)))), 4);
        InputFailedException e = assertThrows(InputFailedException.class, () -> tar.transferTo(java.io.OutputStream.nullOutputStream()));
        assertEquals(Optional.of(FailureReason.INPUT_CHECKSUM_MISMATCH), e.failureReason());
        assertTrue(e.getMessage().contains("input s3://data/x: has sha256 " + sha256(new ByteArrayInputStream(bytes))
                + ", not the " + "0".repeat(64)), e.getMessage());
        assertSame(e, tar.failure());
        assertThrows(InputFailedException.class, tar::read, "a failed archive stays failed");
    }

    @Test
    void aShortReadFailsAsInputFailedAndALongerStreamToo() {
        InputObject o = object("x", "/in/x", 10, null);
        TarStream shortTar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, 10,
                () -> new VerifiedInput(o, new ByteArrayInputStream(new byte[7])))), 64);
        InputFailedException e = assertThrows(InputFailedException.class, () -> shortTar.transferTo(java.io.OutputStream.nullOutputStream()));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertTrue(e.getMessage().contains("ended after 7 of its 10 bytes"), e.getMessage());
        assertTrue(e.failureReason().orElseThrow().retryable());
        TarStream longTar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, 10,
                () -> new VerifiedInput(o, new ByteArrayInputStream(new byte[12])))), 64);
        InputFailedException longer = assertThrows(InputFailedException.class, () -> longTar.transferTo(java.io.OutputStream.nullOutputStream()));
        assertTrue(longer.getMessage().contains("more than the 10 bytes"), longer.getMessage());
    }

    @Test
    void aStreamThatFailsMidwayIsInputFailed() {
        InputObject o = object("x", "/in/x", 100, null);
        InputStream broken = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 50) {
                    throw new IOException("connection reset");
                }
                return 1;
            }
        };
        TarStream tar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, 100, () -> new VerifiedInput(o, broken))), 8);
        InputFailedException e = assertThrows(InputFailedException.class, () -> tar.transferTo(java.io.OutputStream.nullOutputStream()));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }

    @Test
    void aPlainIOExceptionOfAnEntryIsRecordedAndTheEntryClosed() {
        boolean[] closed = new boolean[1];
        IOException reset = new IOException("connection reset");
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw reset;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        TarStream tar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, 100, () -> broken)), 8);
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> tar.transferTo(java.io.OutputStream.nullOutputStream()));
        assertSame(reset, e.getCause());
        assertSame(e, tar.failure());
        assertTrue(closed[0], "the entry's stream was left open");
        assertSame(e, assertThrows(java.io.UncheckedIOException.class, tar::read), "a failed archive stays failed");
    }

    @Test
    void closingTheArchiveMidwayClosesTheEntryInFlight() throws Exception {
        boolean[] closed = new boolean[1];
        InputStream endless = new java.io.FilterInputStream(new Synthetic(1 << 20)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        TarStream tar = new TarStream(1, 1, List.of(new TarStream.Item("x", 0644, 1 << 20, () -> endless)), 8);
        assertEquals(1024, tar.readNBytes(1024).length);
        tar.close();
        assertTrue(closed[0]);
        assertNull(tar.failure());
        tar.close(); // idempotent
    }

    @Test
    void emptyFilesAndUtf8NamesRoundTrip() throws Exception {
        InputObject o = object("e", "/in/e", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        TarStream tar = new TarStream(5, 6, List.of(new TarStream.Item("données-€.txt", 0644, 0,
                () -> new VerifiedInput(o, new ByteArrayInputStream(new byte[0])))), 64);
        try (TarArchiveInputStream in = TarArchives.reader(tar)) {
            TarArchiveEntry e = in.getNextEntry();
            assertEquals("données-€.txt", e.getName());
            assertEquals(0, e.getSize());
            assertNull(in.getNextEntry());
        }
    }
}
