package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** Attack report 15: names are bytes; one that is not UTF-8 keeps them and never collides with another. */
class NameBytesTest {

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void invalidBytesAreKeptExactlyAndTwoNamesNeverCollide() {
        byte[] one = b('b', 'a', 'd', 0xFF, 0xFE);
        byte[] two = b('b', 'a', 'd', 0xFF, 0xFD);
        String a = NameBytes.decode(one);
        String c = NameBytes.decode(two);
        assertNotEquals(a, c);
        assertTrue(NameBytes.hasInvalidBytes(a));
        assertArrayEquals(one, NameBytes.bytes(a));
        assertEquals("YmFk//4=", NameBytes.base64(a));
        assertEquals("bad\ufffd\ufffd", NameBytes.display(a));
        byte[] mixed = b(0xE2, 0x82, 'x', 0xC3, 0xA9, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80, 0xC3);
        assertArrayEquals(mixed, NameBytes.bytes(NameBytes.decode(mixed)));
    }

    @Test
    void aRealReplacementCharacterIsAnOrdinaryName() {
        String name = NameBytes.decode("ok\ufffd \u2028 caf\u00e9".getBytes(StandardCharsets.UTF_8));
        assertEquals("ok\ufffd \u2028 caf\u00e9", name);
        assertFalse(NameBytes.hasInvalidBytes(name));
    }

    @Test
    void failedEntriesOfSuchNamesCarryTheExactBytesAndNoLoneSurrogate() {
        String path = "/out/n/" + NameBytes.decode(b('b', 'a', 'd', 0xFF, 0xFE));
        assertEquals("has a file name that is not valid UTF-8 (its exact bytes are in path_base64): not collected",
                TreeReader.unsafeName(path, "/out/n"));
        var m = CollectedFile.Failed.of(path, CollectedFile.Reason.UNSAFE_NAME, TreeReader.unsafeName(path, "/out/n")).toMap();
        assertEquals("/out/n/bad\ufffd\ufffd", m.get("path"));
        assertEquals("L291dC9uL2JhZP/+", m.get("path_base64"));
        assertFalse(NameBytes.hasInvalidBytes((String) m.get("error")));
        // a real U+FFFD is still refused: where the exact bytes are not known it may be a replaced byte
        assertTrue(TreeReader.unsafeName("/out/n/ok\ufffd", "/out/n").contains("U+FFFD"));
    }

    /** A Docker-style archive: a PAX header whose path record holds bytes that are not UTF-8, then a ustar name. */
    @Test
    void theTapGivesTheArchivesExactNamesInStepWithTheReader() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] record = concat("20 path=out/n/bad".getBytes(StandardCharsets.US_ASCII), b(0xFF, 0xFE, '\n'));
        tar.writeBytes(header("PaxHeaders/bad", 'x', record.length));
        tar.writeBytes(padded(record));
        tar.writeBytes(header("out/n/bad", '0', 1));
        tar.writeBytes(padded(new byte[] {'x'}));
        tar.writeBytes(header("out/n/plain", '0', 600));
        tar.writeBytes(padded(new byte[600]));
        tar.writeBytes(new byte[1024]);
        TarNameTap tap = new TarNameTap(new ByteArrayInputStream(tar.toByteArray()));
        List<byte[]> names = new ArrayList<>();
        try (TarArchiveInputStream in = TarArchives.reader(tap)) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(tap.nextName());
                assertEquals(new String(names.get(names.size() - 1), StandardCharsets.UTF_8), e.getName());
            }
        }
        assertEquals(2, names.size());
        assertArrayEquals(concat("out/n/bad".getBytes(StandardCharsets.US_ASCII), b(0xFF, 0xFE)), names.get(0));
        assertArrayEquals("out/n/plain".getBytes(StandardCharsets.US_ASCII), names.get(1));
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static byte[] padded(byte[] data) {
        return java.util.Arrays.copyOf(data, (data.length + 511) / 512 * 512);
    }

    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, String.format("%07o", 0644));
        put(h, 108, String.format("%07o", 0));
        put(h, 116, String.format("%07o", 0));
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int offset, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, h, offset, t.length);
    }
}
