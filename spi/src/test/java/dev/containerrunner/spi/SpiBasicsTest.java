package dev.containerrunner.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpiBasicsTest {

    @Test
    void functionNamesParse() {
        FunctionName f = FunctionName.parse("apps.platform.container_runner.run_with_input");
        assertEquals("platform.container_runner", f.appId());
        assertEquals("run_with_input", f.action());
        for (String bad : new String[] {"platform.container_runner.run", "apps.platform.container_runner",
                "apps.Platform.x.y", "apps.a.b.c.d", "apps..b.c"}) {
            assertThrows(IllegalArgumentException.class, () -> FunctionName.parse(bad), bad);
        }
    }

    @Test
    void resultStoreLooksUpPathsAndKeepsNulls() {
        ResultStore store = new ResultStore();
        Map<String, Object> result = new HashMap<>();
        result.put("exit_code", 0);
        result.put("output_file_content", null);
        result.put("files", List.of(Map.of("size_bytes", 12)));
        store.put("run", result);
        assertEquals(0, store.lookup("run.exit_code").orElseThrow().value());
        assertEquals(12, store.lookup("run.files.0.size_bytes").orElseThrow().value());
        assertTrue(store.lookup("run.output_file_content").isPresent());
        assertTrue(store.lookup("run.files.1").isEmpty());
        assertTrue(store.lookup("run.nope").isEmpty());
        assertTrue(store.lookup("other.x").isEmpty());
        assertThrows(IllegalStateException.class, () -> store.put("run", Map.of()));
    }

    @Test
    void cancellationFiresOnceAndLateRegistrationsRunAtOnce() {
        CancellationSource source = new CancellationSource();
        AtomicInteger fired = new AtomicInteger();
        source.onCancel(fired::incrementAndGet);
        CancellationSignal.Registration removed = source.onCancel(fired::incrementAndGet);
        removed.close();
        source.cancel();
        source.cancel();
        assertEquals(1, fired.get());
        source.onCancel(fired::incrementAndGet);
        assertEquals(2, fired.get());
    }

    @Test
    void registryIsStrict() {
        ActionRegistry registry = new ActionRegistry("p.a");
        ActionDefinition a = ActionDefinition.builder("go").description("d").handler((k, c) -> Map.of()).build();
        registry.register(a);
        assertEquals("go", assertThrows(DuplicateActionException.class, () -> registry.register(a)).actionName());
        UnknownActionException e = assertThrows(UnknownActionException.class, () -> registry.get("stop"));
        assertEquals(List.of("go"), e.knownActions());
        List<String> names = new ArrayList<>();
        registry.actions().forEach(x -> names.add(x.name()));
        assertEquals(List.of("go"), names);
    }
}
