package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.CancellationSignal;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits of one action that reads a run's files: its deadline, the task's cancellation and the
 * bytes it may read through without delivering them. Readers check it between chunks
 * ({@link #check()}, {@link #meter}); on cancellation or at the deadline it also closes, from
 * another thread, every stream and exec registered with {@link #attach}, so a read blocked on the
 * engine ends at once.
 *
 * @apiNote Thread-safe: the reading thread, the canceller and the deadline timer share it.
 */
public final class CollectGuard implements AutoCloseable {

    private final Duration timeout;
    private final long deadline;
    private final long maxSkipBytes;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final CancellationSignal.Registration cancelRegistration;
    private final CompletableFuture<Void> timer = new CompletableFuture<>();
    private volatile CollectAbortedException aborted;

    private CollectGuard(CancellationSignal cancellation, Duration timeout, long maxSkipBytes) {
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.maxSkipBytes = maxSkipBytes;
        this.cancelRegistration = cancellation.onCancel(() -> abort(new CollectAbortedException(CollectedFile.Reason.CANCELLED,
                true, "the task was cancelled")));
        timer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e instanceof TimeoutException) {
                abort(deadlineExceeded());
            }
        });
    }

    /**
     * A guard for one action, started now; close it when the action ends.
     *
     * @param timeout      the action's deadline from now ({@code collect_timeout_seconds})
     * @param maxSkipBytes bytes it may read without delivering them ({@code max_collect_skip_bytes})
     */
    public static CollectGuard start(CancellationSignal cancellation, Duration timeout, long maxSkipBytes) {
        return new CollectGuard(cancellation, timeout, maxSkipBytes);
    }

    private CollectAbortedException deadlineExceeded() {
        return new CollectAbortedException(CollectedFile.Reason.BUDGET_EXCEEDED, true,
                "collect_timeout_seconds (" + timeout.toSeconds() + " s) passed");
    }

    private void abort(CollectAbortedException why) {
        synchronized (this) {
            if (aborted != null) {
                return;
            }
            aborted = why;
        }
        List<Closeable> toClose = new ArrayList<>(open);
        if (toClose.isEmpty()) {
            return;
        }
        Thread closer = new Thread(() -> toClose.forEach(CollectGuard::closeQuietly), "collect-abort");
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // aborting: the reader reports why it stopped, not how its stream failed to close
        }
    }

    /**
     * Throws when the action must stop: cancelled or past its deadline.
     *
     * @throws CollectAbortedException saying why
     */
    public void check() {
        CollectAbortedException why = aborted;
        if (why == null && System.nanoTime() - deadline > 0) {
            abort(deadlineExceeded());
            why = aborted;
        }
        if (why != null) {
            throw new CollectAbortedException(why.reason(), true, why.getMessage());
        }
    }

    /** Whether the action was cancelled or ran out of time. */
    public boolean aborted() {
        return aborted != null || System.nanoTime() - deadline > 0;
    }

    /**
     * An {@link IOException} seen while reading, as the abort that caused it (a stream closed by
     * {@link #abort}) or else as itself.
     */
    public IOException explain(IOException e) {
        if (aborted()) {
            check();
        }
        return e;
    }

    /** Registers {@code resource} to be closed on cancellation or at the deadline; returns it. */
    public <T extends Closeable> T attach(T resource) {
        open.add(resource);
        if (aborted != null) {
            closeQuietly(resource);
        }
        return resource;
    }

    /** Forgets {@code resource} (it was closed normally). */
    public void detach(Closeable resource) {
        open.remove(resource);
    }

    /**
     * {@code in} counted and checked on every read: throws a {@link CollectAbortedException} when
     * the action must stop, or when more bytes were read through than delivered
     * ({@link #delivered}) by over {@code maxSkipBytes}.
     */
    public InputStream meter(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (IOException e) {
                    throw explain(e);
                }
                if (n < 0 && aborted != null) {
                    check(); // the stream was closed by the abort: say why, not "truncated"
                }
                if (n > 0 && read.addAndGet(n) - delivered.get() > maxSkipBytes) {
                    throw new CollectAbortedException(CollectedFile.Reason.BUDGET_EXCEEDED, false,
                            "read through " + (read.get() - delivered.get()) + " bytes it did not collect, above"
                                    + " max_collect_skip_bytes (" + maxSkipBytes + ")");
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] sink = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
                long left = n;
                while (left > 0) {
                    int got = read(sink, 0, (int) Math.min(left, sink.length));
                    if (got < 0) {
                        break;
                    }
                    left -= got;
                }
                return n - left;
            }
        };
    }

    /** Counts {@code bytes} of content taken from a metered stream as delivered, not skipped. */
    public void delivered(long bytes) {
        delivered.addAndGet(bytes);
    }

    /** Stops listening for cancellation and the deadline. Idempotent. */
    @Override
    public void close() {
        cancelRegistration.close();
        timer.complete(null);
        open.clear();
    }
}
