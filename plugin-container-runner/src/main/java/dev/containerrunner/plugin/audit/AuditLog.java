package dev.containerrunner.plugin.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per execution attempt, to the SLF4J logger
 * {@code dev.containerrunner.audit} and, when configured, appended to a file ({@link AuditFile}).
 * Each line is written with a single unbuffered append, so it reaches the operating system before
 * the action returns, is never interleaved with another, and survives the JVM dying right after.
 *
 * <p>It fails closed: {@link #begin} is called before an attempt creates anything and refuses when
 * the file cannot take a line; with start lines ({@code audit_start_lines}) it also writes the
 * attempt's {@code started} line then, so an attempt that ran is in the file even when its final
 * line cannot be written.
 *
 * Every line ends with {@code app_version}, the version of the app that wrote it.
 *
 * @apiNote Thread-safe.
 */
public final class AuditLog implements AutoCloseable {

    public static final String LOGGER = "dev.containerrunner.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<AuditSink> sink;
    private final boolean startLines;
    private final String appVersion;

    /** To SLF4J and, when given, appended to {@code file}; one line per attempt (no started lines), no app_version. */
    public AuditLog(Optional<Path> file) {
        this(file.map(AuditFile::new), false, null);
    }

    /** As {@link #AuditLog(Optional)}, every line ending with {@code "app_version": appVersion}. */
    public AuditLog(Optional<Path> file, String appVersion) {
        this(file.map(AuditFile::new), false, appVersion);
    }

    /**
     * @param sink       where lines are appended besides SLF4J; empty for SLF4J only
     * @param startLines whether {@link #begin} writes a {@code started} line for each attempt
     */
    public AuditLog(Optional<? extends AuditSink> sink, boolean startLines) {
        this(sink, startLines, null);
    }

    /**
     * @param sink       where lines are appended besides SLF4J; empty for SLF4J only
     * @param startLines whether {@link #begin} writes a {@code started} line for each attempt
     * @param appVersion the version of the app writing the lines, the last field of each ({@code app_version}); null for none
     */
    public AuditLog(Optional<? extends AuditSink> sink, boolean startLines, String appVersion) {
        this.sink = Objects.requireNonNull(sink).map(AuditSink.class::cast);
        this.startLines = startLines;
        this.appVersion = appVersion;
    }

    /** Whether each attempt that reaches its backend first gets a {@code started} line. */
    public boolean startLines() {
        return startLines;
    }

    /**
     * Writes one line: to SLF4J, then appended to the file.
     *
     * @throws AuditLogException when the file could not take the line (it did reach SLF4J)
     */
    public void write(AuditRecord record) {
        String line = json(record);
        LOG.info(line);
        if (sink.isPresent()) {
            try {
                sink.get().append((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AuditLogException("cannot append to the audit log " + sink.get().describe() + ": " + e.getMessage(),
                        sink.get().describe(), e);
            }
        }
    }

    /**
     * Called before an attempt creates anything: checks that the file can take a line now and,
     * with start lines, writes {@code record}'s {@code started} line ({@link AuditRecord#started()}).
     *
     * @throws AuditLogException when the attempt must not run: its line(s) could not be written
     */
    public void begin(AuditRecord record) {
        if (sink.isPresent()) {
            try {
                sink.get().check();
            } catch (IOException e) {
                throw new AuditLogException("the audit log " + sink.get().describe() + " " + e.getMessage(),
                        sink.get().describe(), e);
            }
        }
        if (startLines) {
            write(record.started());
        }
    }

    /**
     * Logs {@code record} to SLF4J only, at ERROR: the line of an attempt refused because the file
     * could not take it.
     */
    public void logOnly(AuditRecord record) {
        LOG.error(json(record));
    }

    private String json(AuditRecord record) {
        java.util.Map<String, Object> fields = record.fields();
        if (appVersion != null) {
            fields = new java.util.LinkedHashMap<>(fields);
            fields.put("app_version", appVersion);
        }
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit record is not serialisable", e);
        }
    }

    /** Nothing is kept open between lines; idempotent. */
    @Override
    public void close() {
        // each line opens and closes the file itself
    }
}
