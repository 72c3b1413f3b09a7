package dev.containerrunner.plugin.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link AuditSink} for tests: keeps the lines, fails the n-th append and/or every check when told to. */
public final class RecordingSink implements AuditSink {

    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger appends = new AtomicInteger();
    private final int failingAppend;
    private final boolean failingCheck;

    /**
     * @param failingAppend the 1-based append that fails with "No space left on device" (0: none)
     * @param failingCheck  whether {@link #check()} fails
     */
    public RecordingSink(int failingAppend, boolean failingCheck) {
        this.failingAppend = failingAppend;
        this.failingCheck = failingCheck;
    }

    @Override
    public void append(byte[] line) throws IOException {
        if (appends.incrementAndGet() == failingAppend) {
            throw new IOException("No space left on device");
        }
        lines.add(new String(line, StandardCharsets.UTF_8));
    }

    @Override
    public void check() throws IOException {
        if (failingCheck) {
            throw new IOException("has no room: its file system has 0 bytes free, at least 65536 are required");
        }
    }

    @Override
    public String describe() {
        return "/test/audit.jsonl";
    }

    /** How many appends were tried. */
    public int appends() {
        return appends.get();
    }
}
