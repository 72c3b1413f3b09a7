package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {

    final AtomicInteger made = new AtomicInteger();
    final List<String> closed = new ArrayList<>();
    final Lazy<String> lazy = new Lazy<>(() -> "v" + made.incrementAndGet(), closed::add);

    @Test
    void makesOnFirstUseOnly() {
        assertEquals(Optional.empty(), lazy.ifMade());
        assertEquals(0, made.get(), "nothing is made before it is asked for");
        assertSame(lazy.get(), lazy.get());
        assertEquals(Optional.of("v1"), lazy.ifMade());
    }

    @Test
    void resetClosesAndTheNextUseMakesAnew() {
        lazy.get();
        lazy.reset();
        assertEquals(List.of("v1"), closed);
        assertEquals("v2", lazy.get());
    }

    @Test
    void closeIsIdempotentAndFinal() {
        lazy.get();
        lazy.close();
        lazy.close();
        assertEquals(List.of("v1"), closed);
        IllegalStateException e = assertThrows(IllegalStateException.class, lazy::get);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aFailedMakeIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> flaky = new Lazy<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new ContainerEngineException("connect", "not yet", null);
            }
            return "up";
        }, s -> { });
        assertThrows(ContainerEngineException.class, flaky::get);
        assertEquals("up", flaky.get());
    }
}
