package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.spi.CancellationSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * output_file read back after the run, the same on every backend: text as text, anything else
 * base64, or why it could not be read (missing, too large, not a regular file). Entry types follow
 * collect_output's rule ({@link TreeReader}): a symbolic link is followed to a regular file inside
 * the run's own directories (at most {@value LinkResolver#MAX_HOPS} links, no loops), a directory,
 * FIFO, device or socket is refused, and nothing comes back as an empty file unless it is empty.
 * With a {@link Redactor}, a text file has secret values replaced ({@code redacted}) and a binary
 * file that holds one is a problem naming the secret ({@link FileRedaction}).
 *
 * @param content  the file as text or base64, null when it could not be read
 * @param encoding {@code utf-8} or {@code base64}, null when it could not be read
 * @param problem  why it could not be read, null when it was
 * @param reason   the class of {@code problem} ({@code output_file_missing}, {@code output_file_too_large},
 *                 {@code output_file_unreadable}, or {@code cancelled}), null when it was read
 * @param redacted whether secret values were replaced in {@code content}
 */
public record OutputFile(String content, String encoding, String problem, FailureReason reason, boolean redacted) {

    /** A file read back exactly, or its problem of class {@code reason}. */
    public OutputFile(String content, String encoding, String problem, FailureReason reason) {
        this(content, encoding, problem, reason, false);
    }

    /** Bytes of tar headers and padding an archive of one file may take beyond its content. */
    private static final long HEADER_ALLOWANCE = 1 << 20;

    /**
     * Reads {@code path} from {@code files}, at most {@code maxBytes}, giving up when
     * {@code cancellation} fires or {@code timeout} passes.
     */
    public static OutputFile read(ContainerPath path, CollectSource.RunFiles files, long maxBytes,
                                  CancellationSignal cancellation, Duration timeout) {
        return read(path, files, maxBytes, cancellation, timeout, Redactor.none());
    }

    /** {@link #read(ContainerPath, CollectSource.RunFiles, long, CancellationSignal, Duration)} through {@code redactor}. */
    public static OutputFile read(ContainerPath path, CollectSource.RunFiles files, long maxBytes,
                                  CancellationSignal cancellation, Duration timeout, Redactor redactor) {
        List<CollectedFile> got;
        try (CollectGuard guard = CollectGuard.start(cancellation, timeout, HEADER_ALLOWANCE)) {
            got = new TreeReader(files, CollectBudget.forOutputFile(maxBytes), guard, FileRedaction.inline(redactor))
                    .read(path.value());
        } catch (NoSuchContainerException e) {
            return problem("output_file " + path + " was not written by the container" + files.absenceNote(),
                    FailureReason.OUTPUT_FILE_MISSING);
        } catch (CollectAbortedException e) {
            return problem("output_file " + path + " was not read: " + e.getMessage(), reason(e.reason()));
        } catch (IOException e) {
            return problem("output_file " + path + " could not be read: " + e.getMessage(), FailureReason.OUTPUT_FILE_UNREADABLE);
        }
        CollectedFile file = got.get(0);
        if (file instanceof CollectedFile.Inline inline) {
            return new OutputFile(inline.content().text(), inline.content().encoding(), null, null, inline.redacted());
        }
        CollectedFile.Failed failed = (CollectedFile.Failed) file;
        return problem("output_file " + failed.error(), reason(failed.reason()));
    }

    /** The output file's failure reason for a collect reason: missing, too large, cancelled, else unreadable. */
    static FailureReason reason(CollectedFile.Reason collect) {
        return switch (collect) {
            case NOT_FOUND -> FailureReason.OUTPUT_FILE_MISSING;
            case TOO_LARGE -> FailureReason.OUTPUT_FILE_TOO_LARGE;
            case CANCELLED -> FailureReason.CANCELLED;
            default -> FailureReason.OUTPUT_FILE_UNREADABLE;
        };
    }

    private static OutputFile problem(String problem, FailureReason reason) {
        return new OutputFile(null, null, problem, reason);
    }
}
