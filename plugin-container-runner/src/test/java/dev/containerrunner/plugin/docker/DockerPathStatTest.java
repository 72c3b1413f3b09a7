package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.containerrunner.plugin.execution.EntryKind;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The engine's X-Docker-Container-Path-Stat header, as Docker 20.10 sends it (values captured from the engine). */
class DockerPathStatTest {

    @Test
    void eachTypeIsReadFromGosModeBits() throws IOException {
        DockerPathStat file = DockerPathStat.parse("eyJuYW1lIjoiYSIsInNpemUiOjYsIm1vZGUiOjQyMCwibXRpbWUiOiIyMDI2LTExLTMwVDA4OjEzOjE5"
                + "LjQ0NzQ2MDM1NVoiLCJsaW5rVGFyZ2V0IjoiIn0=");
        assertEquals(new DockerPathStat("a", 6, EntryKind.REGULAR), file);
        DockerPathStat link = DockerPathStat.parse("eyJuYW1lIjoicyIsInNpemUiOjEsIm1vZGUiOjEzNDIxODIzOSwibXRpbWUiOiIyMDI2LTExLTMwVDA4"
                + "OjEzOjE5LjQ1MDI5NjM0MVoiLCJsaW5rVGFyZ2V0IjoiL3RtcC9vdXQvYSJ9");
        assertEquals(EntryKind.SYMLINK, link.kind());
        DockerPathStat fifo = DockerPathStat.parse("eyJuYW1lIjoicCIsInNpemUiOjAsIm1vZGUiOjMzNTU0ODUyLCJtdGltZSI6IjIwMjYtMTEtMzBUMDg6"
                + "MTM6MTkuNDU5NDYwMzU1WiIsImxpbmtUYXJnZXQiOiIifQ==");
        assertEquals(EntryKind.FIFO, fifo.kind());
        assertEquals(EntryKind.DIRECTORY, DockerPathStat.kindOf(2147484141L));
        assertEquals(8589934592L, DockerPathStat.parse(java.util.Base64.getEncoder().encodeToString(
                "{\"name\":\"big\",\"size\":8589934592,\"mode\":420}".getBytes())).size(), "sizes above 2^31");
        assertEquals(EntryKind.CHAR_DEVICE, DockerPathStat.kindOf((1L << 26) | (1L << 21) | 0666));
        assertEquals(EntryKind.BLOCK_DEVICE, DockerPathStat.kindOf((1L << 26) | 0660));
        assertEquals(EntryKind.SOCKET, DockerPathStat.kindOf((1L << 24) | 0755));
    }

    @Test
    void aMalformedHeaderIsAnError() {
        assertThrows(IOException.class, () -> DockerPathStat.parse("not base64!"));
        assertThrows(IOException.class, () -> DockerPathStat.parse("e30="));
    }
}
