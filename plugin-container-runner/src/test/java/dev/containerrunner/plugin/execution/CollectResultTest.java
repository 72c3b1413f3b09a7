package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class CollectResultTest {

    @Test
    void eachKindOfFileIsItsEntryWithKeysInOrder() {
        CollectedFile inline = new CollectedFile.Inline("/out/a.txt", 3, Encoded.of("hi\n".getBytes(StandardCharsets.UTF_8)));
        CollectedFile uploaded = new CollectedFile.Uploaded("/out/b", 9, "s3://b/k/out/b", "ab12");
        CollectedFile failed = CollectedFile.Failed.of("/out/c", "does not exist in the container");
        assertEquals(List.of("path", "size_bytes", "content", "encoding"), new ArrayList<>(inline.toMap().keySet()));
        assertEquals(Map.of("path", "/out/a.txt", "size_bytes", 3L, "content", "hi\n", "encoding", "utf-8"), inline.toMap());
        assertEquals(List.of("path", "size_bytes", "s3_url", "sha256"), new ArrayList<>(uploaded.toMap().keySet()));
        assertEquals(Map.of("path", "/out/c", "error", "/out/c does not exist in the container", "failure_reason", "read_failed",
                "retryable", false), failed.toMap());
        assertEquals(List.of("path", "error", "failure_reason", "retryable"), new ArrayList<>(failed.toMap().keySet()));
        assertEquals("/out/a.txt (3 bytes)", inline.summary());
        assertEquals("/out/b (9 bytes -> s3://b/k/out/b)", uploaded.summary());
        assertEquals("/out/c: /out/c does not exist in the container", failed.summary());
    }

    @Test
    void theResultMapKeepsItsPublicShape() {
        CollectResult ok = CollectResult.of("c1", List.of(new CollectedFile.Uploaded("/x", 1, "s3://b/x", "00")));
        Map<String, Object> m = ok.toMap();
        assertEquals(List.of("success", "container_id", "files", "error", "failure_reason", "retryable"), new ArrayList<>(m.keySet()));
        assertEquals(true, m.get("success"));
        assertEquals("c1", m.get("container_id"));
        assertNull(m.get("error"));
        assertNull(m.get("failure_reason"));
        assertEquals(false, m.get("retryable"));
        CollectResult partly = CollectResult.of("c1", List.of(CollectedFile.Failed.of("/y", "is a directory without regular files")));
        assertEquals(false, partly.toMap().get("success"));
        assertEquals("some files could not be collected: see files[].error", partly.toMap().get("error"));
        assertEquals("read_failed", partly.toMap().get("failure_reason"));
    }

    @Test
    void theResultsReasonIsOneARetryCannotFixWhenThereIsOneSoRetryableMeansEveryFailedFileIsRetryable() {
        CollectedFile upload = CollectedFile.Failed.of("/a", CollectedFile.Reason.UPLOAD_FAILED, "could not be uploaded");
        CollectedFile missing = CollectedFile.Failed.of("/b", CollectedFile.Reason.NOT_FOUND, "does not exist in the container");
        Map<String, Object> uploadsOnly = CollectResult.of("c1", List.of(upload)).toMap();
        assertEquals("upload_failed", uploadsOnly.get("failure_reason"));
        assertEquals(true, uploadsOnly.get("retryable"));
        assertEquals(true, ((List<Map<String, Object>>) uploadsOnly.get("files")).get(0).get("retryable"));
        Map<String, Object> both = CollectResult.of("c1", List.of(upload, missing)).toMap();
        assertEquals("not_found", both.get("failure_reason"));
        assertEquals(false, both.get("retryable"));
        Map<String, Object> stopped = CollectResult.stopped("c1", List.of(), "collect_output stopped: the task was cancelled",
                FailureReason.CANCELLED).toMap();
        assertEquals(List.of(false, "cancelled", false), List.of(stopped.get("success"), stopped.get("failure_reason"),
                stopped.get("retryable")));
    }
}
