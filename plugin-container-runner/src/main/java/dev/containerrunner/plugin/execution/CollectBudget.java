package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.execution.Admission.Verdict;
import dev.containerrunner.plugin.execution.CollectedFile.Failed;
import dev.containerrunner.plugin.execution.CollectedFile.Reason;
import java.util.function.Function;

/**
 * The budget of one collect_output action, spent entry by entry before anything is read: each
 * inline file at most {@code max_inline_bytes}, all inline files together at most
 * {@code max_inline_total_bytes}, at most {@code max_collect_entries} entries (files, directories,
 * links and special files alike). Uploads have no byte budget here (they stream).
 *
 * @apiNote Not thread-safe: one action reads on one thread.
 */
public final class CollectBudget {

    private final boolean upload;
    private final boolean filesOnly;
    private final String fileLimitKey;
    private final String hint;
    private final long maxInlineBytes;
    private final long maxInlineTotalBytes;
    private final int maxEntries;
    private long inlineLeft;
    private int entries;

    private CollectBudget(boolean upload, boolean filesOnly, String fileLimitKey, String hint, long maxInlineBytes,
                          long maxInlineTotalBytes, int maxEntries) {
        this.upload = upload;
        this.filesOnly = filesOnly;
        this.fileLimitKey = fileLimitKey;
        this.hint = hint;
        this.maxInlineBytes = maxInlineBytes;
        this.maxInlineTotalBytes = maxInlineTotalBytes;
        this.maxEntries = maxEntries;
        this.inlineLeft = maxInlineTotalBytes;
    }

    /** The budget of a collect_output action: inline ({@code upload} false) or uploading. */
    public static CollectBudget forCollect(boolean upload, long maxInlineBytes, long maxInlineTotalBytes, int maxEntries) {
        return new CollectBudget(upload, false, "max_inline_bytes", "; use upload_to_s3: true", maxInlineBytes,
                maxInlineTotalBytes, maxEntries);
    }

    /**
     * The budget of reading one output_file of at most {@code maxBytes}: a directory is refused,
     * not walked, and a few entries suffice (the file, or the links leading to it).
     */
    public static CollectBudget forOutputFile(long maxBytes) {
        return new CollectBudget(false, true, "max_output_file_bytes", "", maxBytes, maxBytes, LinkResolver.MAX_HOPS + 1);
    }

    /** Whether files go to the object store rather than into the result. */
    public boolean upload() {
        return upload;
    }

    /** Whether no entry may be collected any more. */
    public boolean entriesSpent() {
        return entries >= maxEntries;
    }

    /** Why {@code path} is not read: the entries budget is spent. */
    public Failed entriesSpentFor(String path, String what) {
        return Failed.of(path, Reason.BUDGET_EXCEEDED, what + ": this action reached max_collect_entries (" + maxEntries
                + ")");
    }

    /**
     * The admission of a tree's entries, reported under {@code pathOf(entry)}.
     *
     * @param counted whether the entry was already counted (a link's target read for it)
     */
    public Admission admission(Function<TreeEntry, String> pathOf, boolean counted) {
        return new Admission() {
            @Override
            public Verdict judge(TreeEntry entry) {
                return CollectBudget.this.judge(entry, pathOf.apply(entry), counted);
            }

            @Override
            public long sizeHint() {
                return upload ? Long.MAX_VALUE : Math.min(maxInlineBytes, inlineLeft);
            }
        };
    }

    private Verdict judge(TreeEntry entry, String path, boolean counted) {
        if (!counted) {
            if (entriesSpent()) {
                return Verdict.stop(entriesSpentFor(path, "was not read, nor anything after it in its tree"));
            }
            entries++;
        }
        return switch (entry.kind()) {
            case DIRECTORY -> filesOnly ? Verdict.reject(Failed.of(path, Reason.NOT_A_REGULAR_FILE,
                    "is not a regular file (it is a directory)")) : Verdict.WALK;
            case SYMLINK, HARDLINK -> Verdict.DEFER;
            case REGULAR -> regular(path, entry.size());
            default -> Verdict.reject(Failed.of(path, Reason.NOT_A_REGULAR_FILE, "is " + entry.kind().description()
                    + ", not a regular file: not collected"));
        };
    }

    private Verdict regular(String path, long size) {
        if (upload) {
            return Verdict.deliver(0);
        }
        if (size > maxInlineBytes) {
            return Verdict.reject(Failed.of(path, Reason.TOO_LARGE, size, "is " + size + " bytes, above " + fileLimitKey + " ("
                    + maxInlineBytes + ")" + hint));
        }
        if (size > inlineLeft) {
            return Verdict.reject(Failed.of(path, Reason.BUDGET_EXCEEDED, size, "is " + size + " bytes; this action has "
                    + inlineLeft + " of max_inline_total_bytes (" + maxInlineTotalBytes + ") left: collect it in another"
                    + " action or use upload_to_s3: true"));
        }
        inlineLeft -= size;
        return Verdict.deliver(size);
    }

    /** Gives back what {@code verdict} reserved when its content was not used after all. */
    public void refund(Verdict verdict) {
        inlineLeft += verdict.reserved();
    }
}
