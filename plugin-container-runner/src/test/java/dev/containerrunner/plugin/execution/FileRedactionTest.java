package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inline files of a run with secrets: text redacted and flagged, binary holding a value refused, names redacted. */
class FileRedactionTest {

    private static final String VALUE = "s3cr3t-value-42";
    private static final Redactor REDACTOR = Redactor.of(Map.of("api_token", VALUE.getBytes(StandardCharsets.UTF_8)));

    private static CollectedFile take(Redactor r, byte[] bytes) throws IOException {
        return FileRedaction.inline(r).take("/out/f", bytes.length, new ByteArrayInputStream(bytes));
    }

    @Test
    void aTextFileComesBackRedactedAndSaysSo() throws IOException {
        CollectedFile.Inline f = (CollectedFile.Inline) take(REDACTOR, ("token=" + VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("token=***\n", f.content().text());
        assertEquals("utf-8", f.content().encoding());
        assertEquals(true, f.toMap().get("redacted"));
        assertEquals(22, f.sizeBytes(), "the file's own size");
    }

    @Test
    void aFileWithoutAValueComesBackExactly() throws IOException {
        CollectedFile.Inline f = (CollectedFile.Inline) take(REDACTOR, "plain\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("plain\n", f.content().text());
        assertFalse(f.toMap().containsKey("redacted"));
    }

    @Test
    void aBinaryFileHoldingAValueIsRefusedNamingTheSecret() throws IOException {
        byte[] bin = ("\0\1" + VALUE + "\0").getBytes(StandardCharsets.UTF_8);
        CollectedFile.Failed f = (CollectedFile.Failed) take(REDACTOR, bin);
        assertEquals(CollectedFile.Reason.CONTAINS_SECRET, f.reason());
        assertEquals("/out/f is a binary file that holds the value of secret api_token (binary files are not redacted): not returned",
                f.error());
        assertEquals((long) bin.length, f.sizeBytes());
        CollectedFile.Inline clean = (CollectedFile.Inline) take(REDACTOR, new byte[] {0, 1, 2});
        assertEquals("base64", clean.content().encoding());
    }

    @Test
    void withoutSecretsTheSinkIsThePlainOne() {
        assertSame(OutputCollector.Inline.SINK, FileRedaction.inline(Redactor.none()));
    }

    @Test
    void pathsAndErrorsAreRedacted() {
        List<CollectedFile> files = FileRedaction.paths(List.of(
                new CollectedFile.Inline("/out/" + VALUE, 1, Encoded.of(new byte[] {'x'})),
                CollectedFile.Failed.of("/out/link", "is a symbolic link to /" + VALUE + ": not followed")), REDACTOR);
        assertEquals("/out/***", files.get(0).path());
        assertTrue(((CollectedFile.Failed) files.get(1)).error().endsWith("to /***: not followed"), files.toString());
    }
}
