package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.StreamKind;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.AttachContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.Closeable;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which transport an endpoint gets, and docker-java's transport against a mocked client (no engine involved). */
class StreamTransportTest {

    private final DockerClient client = mock(DockerClient.class);
    private final DockerErrors errors = new DockerErrors("tcp://127.0.0.1:2375");
    private final AttachContainerCmd attach = mock(AttachContainerCmd.class, RETURNS_SELF);
    private final AtomicReference<ResultCallback<Frame>> callback = new AtomicReference<>();

    @Test
    void theEndpointChoosesTheTransportOnce() {
        assertInstanceOf(UnixSocketTransport.class, DockerJavaGateway.streamsFor("unix:///var/run/docker.sock", client, errors));
        assertInstanceOf(DockerJavaTransport.class, DockerJavaGateway.streamsFor("tcp://127.0.0.1:2375", client, errors));
        DockerJavaGateway.connect("tcp://127.0.0.1:1").close(); // no I/O until used
    }

    @Test
    void aMissingSocketIsAnUnreachableEngine() {
        StreamTransport unix = new UnixSocketTransport(java.nio.file.Path.of("/tmp/container-runner-no-such.sock"),
                new DockerErrors("unix:///tmp/container-runner-no-such.sock"));
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> unix.copyOut("c1", "/out/r.txt"));
        assertEquals("copy /out/r.txt out", e.operation());
        assertTrue(e.getMessage().contains("cannot reach the Docker engine at unix:///tmp/container-runner-no-such.sock"),
                e.getMessage());
    }

    @Test
    void dockerJavaCopyOutTranslatesNotFound() {
        when(client.copyArchiveFromContainerCmd("c1", "/out/r.txt"))
                .thenThrow(new NotFoundException("Could not find the file /out/r.txt in container c1"));
        NoSuchContainerException e = assertThrows(NoSuchContainerException.class,
                () -> new DockerJavaTransport(client, errors).copyOut("c1", "/out/r.txt"));
        assertEquals("copy /out/r.txt out: Could not find the file /out/r.txt in container c1", e.getMessage());
    }

    @Test
    void dockerJavaOutputFramesReachTheListenerByStream() {
        Closeable stream = mock(Closeable.class);
        when(client.attachContainerCmd("c1")).thenReturn(attach);
        when(attach.exec(any())).thenAnswer(i -> {
            ResultCallback<Frame> cb = i.getArgument(0);
            callback.set(cb);
            cb.onStart(stream);
            return cb;
        });
        Recorder recorder = new Recorder();
        DockerGateway.Attachment a = new DockerJavaTransport(client, errors).attachOutput("c1", recorder);
        callback.get().onNext(new Frame(StreamType.STDOUT, bytes("out ")));
        callback.get().onNext(new Frame(StreamType.STDERR, bytes("err")));
        callback.get().onNext(new Frame(StreamType.RAW, bytes("raw")));
        assertFalse(a.awaitEnd(Duration.ofMillis(50)));
        callback.get().onComplete();
        assertTrue(a.awaitEnd(Duration.ofSeconds(1)));
        assertEquals(List.of("STDOUT:out ", "STDERR:err", "STDOUT:raw", "end:null"), recorder.events);
        verify(attach).withStdOut(true);
        verify(attach).withStdErr(true);
        verify(attach).withLogs(false);
        a.close();
        assertEquals(4, recorder.events.size(), "the end is told once");
    }

    @Test
    void dockerJavaStdinAttachEndsOnceEveryByteWasRead() throws Exception {
        Closeable stream = mock(Closeable.class);
        AtomicReference<InputStream> stdin = new AtomicReference<>();
        when(client.attachContainerCmd("c1")).thenReturn(attach);
        when(attach.withStdIn(any())).thenAnswer(i -> {
            stdin.set(i.getArgument(0));
            return attach;
        });
        when(attach.exec(any())).thenAnswer(i -> {
            callback.set(i.getArgument(0));
            return i.getArgument(0);
        });
        DockerGateway.Attachment a = new DockerJavaTransport(client, errors).attachStdin("c1", bytes("abc"));
        assertFalse(a.awaitEnd(Duration.ofMillis(300)), "not started yet");
        callback.get().onStart(stream);
        assertFalse(a.awaitEnd(Duration.ofMillis(300)), "started, but the input is not consumed yet");
        byte[] buffer = new byte[16];
        assertEquals(3, stdin.get().read(buffer, 0, buffer.length));
        assertEquals(-1, stdin.get().read(buffer, 0, buffer.length));
        assertTrue(a.awaitEnd(Duration.ofSeconds(5)), "closed by the stdin closer (docker-java #1448)");
        verify(stream).close();
        a.close();
    }

    @Test
    void aFailedAttachIsTranslated() {
        when(client.attachContainerCmd("gone")).thenThrow(new NotFoundException("No such container: gone"));
        NoSuchContainerException e = assertThrows(NoSuchContainerException.class,
                () -> new DockerJavaTransport(client, errors).attachOutput("gone", new Recorder()));
        assertEquals("attach", e.operation());
        assertSame(NoSuchContainerException.class, e.getClass());
        assertNull(callback.get());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records what the listener was told, in order. */
    private static final class Recorder implements OutputListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onOutput(StreamKind stream, byte[] bytes) {
            events.add(stream + ":" + new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void onEnd(Throwable error) {
            events.add("end:" + error);
        }
    }
}
