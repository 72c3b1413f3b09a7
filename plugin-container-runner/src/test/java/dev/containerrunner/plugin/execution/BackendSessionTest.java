package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.containerrunner.plugin.config.RunnerConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BackendSessionTest {

    final List<String> events = new CopyOnWriteArrayList<>();
    final ReaperTest.FakeStrategy strategy = new ReaperTest.FakeStrategy() {
        @Override
        public List<FakeRun> list() {
            events.add("list");
            return super.list();
        }
    };
    RuntimeException failStart;

    final BackendSession.Connector<String> connector = new BackendSession.Connector<>() {
        @Override
        public String connect() {
            events.add("connect");
            return "client";
        }

        @Override
        public ReaperStrategy<?> reaperStrategy(String connection) {
            return strategy;
        }

        @Override
        public String started(String connection) {
            events.add("started");
            if (failStart != null) {
                throw failStart;
            }
            return connection + "+watch";
        }

        @Override
        public RuntimeException failed(String connection, RuntimeException e) {
            return new ContainerEngineException("connect", connection + " is not usable: " + e.getMessage(), e);
        }

        @Override
        public void disconnect(String connection) {
            events.add("disconnect " + connection);
        }
    };

    final BackendSession<String> session = new BackendSession<>(RunnerConfig.defaults(), connector);

    @Test
    void connectsAndSweepsOnFirstUseOnly() {
        assertEquals(List.of(), events, "construction does no I/O");
        session.runFinished("r");
        assertEquals(List.of(), events, "the end of a run before any contact asks nothing");
        assertEquals("client+watch", session.connection());
        assertSame(session.reaper(), session.reaper());
        assertEquals(List.of("connect", "list", "started"), events, "the first sweep comes before the rest starts");
        session.close();
    }

    @Test
    void closeStopsTheReaperThenTheClientOnce() {
        strategy.add(ReaperTest.run("mine"));
        session.connection();
        events.clear();
        session.close();
        session.close();
        assertEquals(List.of("list", "disconnect client+watch"), events);
        assertEquals(List.of("mine"), strategy.deleted, "what this process kept is removed at close");
        IllegalStateException e = assertThrows(IllegalStateException.class, session::connection);
        assertEquals("the container_runner app is closed", e.getMessage());
    }

    @Test
    void aFailedFirstContactIsReportedAndReleasesTheClient() {
        strategy.unreachable = true;
        ContainerEngineException e = assertThrows(ContainerEngineException.class, session::connection);
        assertEquals("connect: client is not usable: list: unreachable", e.getMessage());
        assertEquals(List.of("connect", "list", "disconnect client"), events);
        strategy.unreachable = false;
        events.clear();
        session.connection();
        assertEquals(List.of("connect", "list", "started"), events, "the next use tries again");
        session.close();
    }

    @Test
    void whatFailsToStartAfterTheSweepStopsTheReaperToo() {
        failStart = new IllegalStateException("watch failed");
        assertThrows(ContainerEngineException.class, session::connection);
        assertEquals(List.of("connect", "list", "started", "list", "disconnect client"), events);
    }

    @Test
    void uploadsWithoutAStoreAreRefused() {
        assertThrows(IllegalStateException.class, () -> session.objectStore().get());
        session.close();
    }
}
