package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.CancellationSignal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Run in a child JVM by {@link TarNamesLocaleTest} with an ASCII default charset: builds and reads
 * archives with non-ASCII names the plugin's way, and the library's default way for contrast, and
 * prints what came back with every non-ASCII character escaped (the child's stdout is ASCII).
 */
public final class TarNamesProbe {

    private TarNamesProbe() {
    }

    public static void main(String[] args) throws IOException {
        String name = "donn\u00e9es-\u20ac.txt";
        System.out.println("default=" + Charset.defaultCharset().name());
        InputStream ours = TarArchives.ownedFiles(65534, 65534, "in", List.of(new TarArchives.Entry(name, new byte[] {'x'})));
        try (CollectGuard guard = CollectGuard.start(CancellationSignal.never(), Duration.ofMinutes(1), 1 << 20);
             TarEntries entries = TarEntries.of(ours, e -> Admission.Verdict.WALK, guard)) {
            for (CollectSource.Delivery d = entries.next(); d != null; d = entries.next()) {
                System.out.println("ours=" + escape(d.entry().name()));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry("in/" + name);
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            System.out.println("library-default=" + escape(tar.getNextEntry().getName()));
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return b.toString();
    }
}
