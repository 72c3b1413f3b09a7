package dev.containerrunner.plugin.execution;

import java.util.List;

/**
 * The rule for files a run with secrets returns inline (output_file, collect_output): a text file
 * comes back with each value replaced by {@value Redactor#MARK} (flagged {@code redacted}); a
 * binary file (returned as base64) that holds a value or its base64 is not returned but an error
 * entry naming the secret (replacing bytes inside a binary file would hand back a broken file as
 * if it were the file). Paths and error texts, which the container may choose, are redacted too.
 */
final class FileRedaction {

    private FileRedaction() {
    }

    /** The inline sink for a run whose values {@code redactor} knows (the plain one when it knows none). */
    static TreeReader.Sink inline(Redactor redactor) {
        return OutputCollector.Inline.sink(redactor);
    }

    /** The entry for a file of {@code bytes} read whole, {@code encoded} as the plain sink would return it. */
    static CollectedFile checked(String path, long size, byte[] bytes, Encoded encoded, Redactor redactor) {
        if ("base64".equals(encoded.encoding())) {
            return redactor.secretIn(bytes).<CollectedFile>map(secret -> CollectedFile.Failed.of(path,
                    CollectedFile.Reason.CONTAINS_SECRET, size, "is a binary file that holds the value of secret " + secret
                            + " (binary files are not redacted): not returned")).orElseGet(() -> new CollectedFile.Inline(path,
                    size, encoded));
        }
        byte[] safe = redactor.redact(bytes);
        return safe == bytes ? new CollectedFile.Inline(path, size, encoded)
                : new CollectedFile.Inline(path, size, Encoded.of(safe), true);
    }

    /** {@code files} with secret values replaced in their paths and error texts. */
    static List<CollectedFile> paths(List<CollectedFile> files, Redactor redactor) {
        if (redactor.isEmpty()) {
            return files;
        }
        return files.stream().map(f -> {
            if (f instanceof CollectedFile.Inline i) {
                return new CollectedFile.Inline(redactor.redact(i.path()), i.sizeBytes(), i.content(), i.redacted());
            }
            if (f instanceof CollectedFile.Uploaded u) {
                return (CollectedFile) new CollectedFile.Uploaded(redactor.redact(u.path()), u.sizeBytes(), u.s3Url(), u.sha256());
            }
            CollectedFile.Failed x = (CollectedFile.Failed) f;
            return new CollectedFile.Failed(redactor.redact(x.path()), x.reason(), x.sizeBytes(), redactor.redact(x.error()));
        }).toList();
    }
}
