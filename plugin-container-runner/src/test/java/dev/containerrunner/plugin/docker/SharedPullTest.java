package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.LogSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Tasks share one pull: lines reach every waiting task; the last one to leave before the end stops it. */
class SharedPullTest {

    private final List<String> a = new CopyOnWriteArrayList<>();
    private final List<String> b = new CopyOnWriteArrayList<>();
    private final LogSink sinkA = (s, l) -> a.add(l);
    private final LogSink sinkB = (s, l) -> b.add(l);

    @Test
    void linesGoToEveryWaitingTask() {
        SharedPull pull = new SharedPull();
        assertTrue(pull.join(sinkA));
        assertTrue(pull.join(sinkB));
        pull.log("pulling x: 1/2 layers");
        pull.leave(sinkB);
        pull.log("pulling x: 2/2 layers");
        assertEquals(List.of("pulling x: 1/2 layers", "pulling x: 2/2 layers"), a);
        assertEquals(List.of("pulling x: 1/2 layers"), b);
        assertFalse(pull.done().isDone(), "one task still waits");
    }

    @Test
    void theLastTaskLeavingStopsThePullAndClosesItsStream() {
        SharedPull pull = new SharedPull();
        AtomicBoolean closed = new AtomicBoolean();
        pull.join(sinkA);
        pull.join(sinkB);
        pull.streaming(() -> closed.set(true));
        pull.leave(sinkA);
        assertFalse(closed.get());
        pull.leave(sinkB);
        assertTrue(closed.get(), "the engine's stream is closed: the engine stops the pull");
        assertInstanceOf(SharedPull.Stopped.class, pull.done().handle((v, e) -> e).join());
        assertFalse(pull.join(sinkA), "a stopped pull takes no more tasks: a newcomer starts its own");
    }

    @Test
    void aFinishedPullIsNotStoppedByTasksLeaving() {
        SharedPull pull = new SharedPull();
        AtomicBoolean closed = new AtomicBoolean();
        pull.join(sinkA);
        pull.streaming(() -> closed.set(true));
        pull.finish(null);
        pull.leave(sinkA);
        assertEquals(null, pull.done().join());
        assertTrue(closed.get(), "the stream is released when the pull ends");
        pull.finish(new RuntimeException("late")); // only the first end counts
        assertFalse(pull.done().isCompletedExceptionally());
    }
}
