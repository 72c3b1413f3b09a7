package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.S3Input;
import dev.containerrunner.plugin.model.S3Url;
import dev.containerrunner.plugin.s3.ObjectMissingException;
import dev.containerrunner.plugin.s3.ObjectSource;
import dev.containerrunner.plugin.s3.ObjectStoreException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Resolving {@code inputs} into objects: sizes, prefixes into directories, unsafe keys, failures by reason. */
class InputSourceTest {

    /** An in-memory store of key to bytes in one bucket; {@code down} makes every call fail as unreachable. */
    static final class Store implements ObjectSource {
        final TreeMap<String, byte[]> objects = new TreeMap<>();
        boolean down;

        @Override
        public Optional<Listed> head(S3Url url) {
            fail();
            byte[] b = objects.get(url.key());
            return b == null ? Optional.empty() : Optional.of(new Listed(url.key(), b.length, "e-" + url.key()));
        }

        @Override
        public List<Listed> list(S3Url prefix, int limit) {
            fail();
            List<Listed> out = new ArrayList<>();
            objects.tailMap(prefix.key()).forEach((k, v) -> {
                if (k.startsWith(prefix.key()) && out.size() <= limit) {
                    out.add(new Listed(k, v.length, "e-" + k));
                }
            });
            return out;
        }

        @Override
        public InputStream open(S3Url url, Optional<String> etag) {
            fail();
            byte[] b = objects.get(url.key());
            if (b == null) {
                throw new ObjectMissingException(url + " does not exist", false, null);
            }
            return new ByteArrayInputStream(b);
        }

        private void fail() {
            if (down) {
                throw new ObjectStoreException("connection refused", null);
            }
        }
    }

    private final Store store = new Store();
    private final InputSource source = new InputSource(() -> store);

    private static S3Input in(String url, String path) {
        return new S3Input(S3Url.parse(url), new ContainerPath(path), Optional.empty());
    }

    private InputFailedException refused(S3Input... inputs) {
        return assertThrows(InputFailedException.class, () -> source.resolve(List.of(inputs)));
    }

    @Test
    void objectsAndPrefixesResolveToFilesWithSizes() {
        store.objects.put("run/a.bin", new byte[3]);
        store.objects.put("set/x.txt", new byte[1]);
        store.objects.put("set/sub/", new byte[0]); // a folder marker: skipped
        store.objects.put("set/sub/y.txt", new byte[2]);
        store.objects.put("set-other/z", new byte[2]);
        List<InputObject> objects = source.resolve(List.of(in("s3://data/run/a.bin", "/in/a.bin"), in("s3://data/set/", "/data/set")));
        assertEquals(List.of("/in/a.bin", "/data/set/sub/y.txt", "/data/set/x.txt"), objects.stream().map(o -> o.path().value()).toList());
        assertEquals(List.of(3L, 2L, 1L), objects.stream().map(InputObject::size).toList());
        assertEquals(List.of("a.bin", "sub/y.txt", "x.txt"), objects.stream().map(InputObject::relativePath).toList());
        assertEquals("s3://data/set/sub/y.txt", objects.get(1).url().toString());
        assertEquals("e-run/a.bin", objects.get(0).etag());
    }

    @Test
    void aMissingObjectOrAnEmptyPrefixIsInputNotFound() {
        InputFailedException missing = refused(in("s3://data/nope", "/in/a"));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), missing.failureReason());
        assertEquals("input s3://data/nope: does not exist", missing.getMessage());
        InputFailedException empty = refused(in("s3://data/empty/", "/in/set"));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), empty.failureReason());
        assertTrue(empty.getMessage().contains("holds no objects"), empty.getMessage());
        assertTrue(!FailureReason.INPUT_NOT_FOUND.retryable());
    }

    @Test
    void keysThatWouldEscapeTheDirectoryAreRefusedNamingTheKey() {
        for (String key : List.of("set/../etc/passwd", "set//x", "set/./x", "set/a/../../b", "set/a\u0001b", "set/a\\..\\b")) {
            store.objects.clear();
            store.objects.put("set/ok", new byte[1]);
            store.objects.put(key, new byte[1]);
            InputFailedException e = refused(in("s3://data/set/", "/in/set"));
            assertEquals(Optional.of(FailureReason.UNSAFE_NAME), e.failureReason(), key);
            assertTrue(e.getMessage().contains("has the key '" + key + "'"), e.getMessage());
        }
        store.objects.clear();
        store.objects.put("set/a", new byte[1]);
        store.objects.put("set/a/b", new byte[1]);
        InputFailedException both = refused(in("s3://data/set/", "/in/set"));
        assertEquals(Optional.of(FailureReason.UNSAFE_NAME), both.failureReason());
        assertTrue(both.getMessage().contains("both a file and the directory of 'set/a/b'"), both.getMessage());
    }

    @Test
    void tooManyObjectsUnderAPrefixIsTheBudget() {
        for (int i = 0; i <= InputSource.MAX_PREFIX_OBJECTS; i++) {
            store.objects.put("many/" + i, new byte[0]);
        }
        assertEquals(Optional.of(FailureReason.BUDGET_EXCEEDED), refused(in("s3://data/many/", "/in/m")).failureReason());
    }

    @Test
    void anUnreachableStoreIsInputFailedAndRetryable() {
        store.down = true;
        InputFailedException e = refused(in("s3://data/a", "/in/a"));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertTrue(e.failureReason().orElseThrow().retryable());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), refused(in("s3://data/set/", "/in/s")).failureReason());
    }

    @Test
    void anObjectGoneBetweenListingAndReadIsInputNotFound() {
        store.objects.put("a", new byte[1]);
        InputObject o = source.resolve(List.of(in("s3://data/a", "/in/a"))).get(0);
        store.objects.clear();
        InputFailedException e = assertThrows(InputFailedException.class, () -> source.open(o));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), e.failureReason());
    }
}
