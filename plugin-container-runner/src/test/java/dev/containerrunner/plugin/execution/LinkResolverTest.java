package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Resolution one segment at a time, inside the allowed roots only. */
class LinkResolverTest {

    private static final Map<String, TreeEntry> FS = Map.of(
            "/out", new TreeEntry("out", EntryKind.DIRECTORY, 0, null),
            "/out/a", new TreeEntry("a", EntryKind.REGULAR, 3, null),
            "/out/d", new TreeEntry("d", EntryKind.SYMLINK, 0, "/work"),
            "/out/u", new TreeEntry("u", EntryKind.SYMLINK, 0, null),
            "/work", new TreeEntry("work", EntryKind.DIRECTORY, 0, null),
            "/work/in", new TreeEntry("in", EntryKind.DIRECTORY, 0, null),
            "/work/in/x", new TreeEntry("x", EntryKind.REGULAR, 1, null));

    private final LinkResolver resolver = new LinkResolver(List.of("/out", "/work/in"), p -> Optional.ofNullable(FS.get(p)));

    @Test
    void ancestorsOfARootAreWalkedThroughAndTheTargetIsLookedUp() throws IOException {
        assertEquals("/work/in/x", resolver.resolve("/out/s", "../work/in/x").path());
        assertEquals("/work/in/x", resolver.resolve("/out/s", "d/in/x").path(), "a link on the way is followed: /out/d -> /work");
        assertEquals("/out/a", resolver.resolve("/out/s", "/work/../out/./a").path());
    }

    @Test
    void leavingTheRootsOrAnUnresolvableLinkIsRefused() throws IOException {
        assertTrue(resolver.resolve("/out/s", "/work/other").problem().contains("outside"));
        assertTrue(resolver.resolve("/out/s", "d").problem().contains("leads to /work, outside"));
        assertTrue(resolver.resolve("/out/s", null).problem().contains("cannot resolve"));
        assertTrue(resolver.resolve("/out/s", "u").problem().contains("cannot resolve"));
        assertNull(resolver.resolve("/out/s", "a").problem());
        assertTrue(resolver.resolve("/out/s", "a/b").problem().contains("not a directory"));
    }
}
