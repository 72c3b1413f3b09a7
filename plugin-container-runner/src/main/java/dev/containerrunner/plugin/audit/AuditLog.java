package dev.containerrunner.plugin.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per execution attempt, to the SLF4J logger
 * {@code dev.containerrunner.audit} and, when configured, appended to a file. Each line is
 * written with a single unbuffered append, so it reaches the operating system before the action
 * returns, is never interleaved with another, and survives the JVM dying right after. Every line
 * ends with {@code app_version}, the version of the app that wrote it.
 */
public final class AuditLog implements AutoCloseable {

    public static final String LOGGER = "dev.containerrunner.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private final String appVersion;
    private FileChannel channel;

    /** A log whose lines carry no {@code app_version} (tests of the log itself). */
    public AuditLog(Optional<Path> file) {
        this(file, null);
    }

    /** A log whose every line ends with {@code "app_version": appVersion}. */
    public AuditLog(Optional<Path> file, String appVersion) {
        this.file = file;
        this.appVersion = appVersion;
    }

    public void write(AuditRecord record) {
        Map<String, Object> fields = record.fields();
        if (appVersion != null) {
            fields = new LinkedHashMap<>(fields);
            fields.put("app_version", appVersion);
        }
        String line;
        try {
            line = JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit record is not serialisable", e);
        }
        LOG.info(line);
        if (file.isPresent()) {
            append((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private synchronized void append(byte[] bytes) {
        try {
            if (channel == null) {
                Path p = file.get();
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file.get() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing the audit log failed: {}", e.getMessage());
            }
            channel = null;
        }
    }
}
