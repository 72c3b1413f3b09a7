package dev.containerrunner.plugin.docker;

import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Follows the engine's progress messages of one pull (per layer: {@code Downloading} with
 * current/total bytes, {@code Download complete}, {@code Pull complete}, {@code Already exists}, ...)
 * and makes a line for the task log at most every {@link #EVERY}: layers done of layers seen and
 * bytes downloaded of the sizes known so far.
 *
 * @apiNote Not thread-safe: fed by the one thread that reads the pull's stream.
 */
final class PullProgress {

    /** At most one progress line this often. */
    static final Duration EVERY = Duration.ofSeconds(2);
    private static final Set<String> DOWNLOADED = Set.of("verifying checksum", "download complete", "extracting",
            "pull complete");
    private static final Set<String> LAYER = Set.of("pulling fs layer", "waiting", "downloading", "retrying",
            "verifying checksum", "download complete", "extracting", "pull complete", "already exists");

    private final String reference;
    private final LongSupplier nanos;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private long lastLine;

    private static final class Layer {
        long current;
        long total;
        boolean done;
    }

    /** Progress of pulling {@code reference}, timed by {@code nanos} (e.g. {@code System::nanoTime}), starting now. */
    PullProgress(String reference, LongSupplier nanos) {
        this.reference = reference;
        this.nanos = nanos;
        this.lastLine = nanos.getAsLong();
    }

    /** Takes one message of the engine; a line to log when one is due (at most every {@link #EVERY}). */
    Optional<String> update(PullResponseItem item) {
        String id = item.getId();
        String status = item.getStatus() == null ? "" : item.getStatus().toLowerCase(Locale.ROOT);
        if (id != null && LAYER.stream().anyMatch(status::startsWith)) {
            Layer layer = layers.computeIfAbsent(id, k -> new Layer());
            ResponseItem.ProgressDetail detail = item.getProgressDetail();
            if (status.startsWith("downloading") && detail != null) {
                layer.current = detail.getCurrent() == null ? layer.current : detail.getCurrent();
                layer.total = detail.getTotal() == null || detail.getTotal() <= 0 ? layer.total : detail.getTotal();
            } else if (DOWNLOADED.contains(status)) {
                layer.current = layer.total;
            }
            layer.done |= status.equals("pull complete") || status.equals("already exists");
        }
        long now = nanos.getAsLong();
        if (layers.isEmpty() || now - lastLine < EVERY.toNanos()) {
            return Optional.empty();
        }
        lastLine = now;
        return Optional.of("pulling " + reference + ": " + summary());
    }

    /** {@code D/N layers, X of Y MB}: layers done of those seen, bytes downloaded of the sizes known. */
    String summary() {
        long done = layers.values().stream().filter(l -> l.done).count();
        long current = layers.values().stream().mapToLong(l -> l.current).sum();
        long total = layers.values().stream().mapToLong(l -> l.total).sum();
        return done + "/" + layers.size() + " layers, " + megabytes(current) + " of " + megabytes(total) + " MB";
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
