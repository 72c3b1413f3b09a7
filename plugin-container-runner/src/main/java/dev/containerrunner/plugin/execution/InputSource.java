package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.S3Input;
import dev.containerrunner.plugin.model.S3Url;
import dev.containerrunner.plugin.s3.ObjectMissingException;
import dev.containerrunner.plugin.s3.ObjectSource;
import dev.containerrunner.plugin.s3.ObjectStoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The backend-neutral reading side of {@code inputs}: {@link #resolve} turns a request's inputs
 * into the objects to deliver (one HEAD per object, one listing per prefix), each with its
 * container path, size and expected sha256; {@link #open} streams one of them through a
 * {@link VerifiedInput}. A backend writes each stream where its container will see it (Docker: the
 * archive API) and must not start the container unless every stream ended cleanly.
 *
 * <p>A prefix's objects become files below the input's directory by their key below the prefix
 * ({@code s3://b/set/a/x.txt} under {@code s3://b/set/} → {@code DIR/a/x.txt}); keys ending in
 * {@code /} (folder markers) are skipped; a key whose rest has an empty, {@code .} or {@code ..}
 * segment, or a control character, is refused naming the key ({@code unsafe_name}), as is a key that
 * is both a file and the directory of another.
 *
 * @apiNote Thread-safe: holds no state but the store's supplier.
 */
public final class InputSource {

    /** The most objects one prefix may bring. */
    public static final int MAX_PREFIX_OBJECTS = 10_000;

    private final Supplier<? extends ObjectSource> store;

    /** Inputs read from the store {@code store} gives (made on first use). */
    public InputSource(Supplier<? extends ObjectSource> store) {
        this.store = store;
    }

    /**
     * The objects to deliver for {@code inputs}, in order (a prefix's in key order).
     *
     * @throws InputFailedException {@code input_not_found} for a missing object or an empty prefix,
     *         {@code unsafe_name}, {@code budget_exceeded}, or {@code input_failed} when the store fails
     */
    public List<InputObject> resolve(List<S3Input> inputs) {
        List<InputObject> out = new ArrayList<>();
        for (S3Input in : inputs) {
            try {
                if (in.isDirectory()) {
                    out.addAll(prefix(in));
                } else {
                    ObjectSource.Listed o = store.get().head(in.url()).orElseThrow(() -> new InputFailedException(
                            in.url().toString(), "does not exist", null, FailureReason.INPUT_NOT_FOUND));
                    out.add(new InputObject(in.url(), in.path(), in.runDirectory(), o.size(), in.sha256(), o.etag()));
                }
            } catch (ObjectStoreException e) {
                throw new InputFailedException(in.url().toString(), e.getMessage(), e, FailureReason.INPUT_FAILED);
            }
        }
        return out;
    }

    private List<InputObject> prefix(S3Input in) {
        List<ObjectSource.Listed> listed = store.get().list(in.url(), MAX_PREFIX_OBJECTS);
        if (listed.size() > MAX_PREFIX_OBJECTS) {
            throw new InputFailedException(in.url().toString(), "holds more than " + MAX_PREFIX_OBJECTS + " objects, the most"
                    + " one input prefix may bring: split it into several inputs", null, FailureReason.BUDGET_EXCEEDED);
        }
        List<InputObject> out = new ArrayList<>();
        Set<String> files = new HashSet<>();
        for (ObjectSource.Listed o : listed) {
            if (!o.key().startsWith(in.url().key()) || o.key().endsWith("/")) {
                continue; // a folder marker (or a key the store should not have listed)
            }
            String rest = o.key().substring(in.url().key().length());
            ContainerPath path = childPath(in, o.key(), rest);
            S3Url url;
            try {
                url = in.url().sibling(o.key());
            } catch (IllegalArgumentException e) {
                throw unsafe(in, o.key(), e);
            }
            out.add(new InputObject(url, path, in.runDirectory(), o.size(), Optional.empty(), o.etag()));
            files.add(rest);
        }
        if (out.isEmpty()) {
            throw new InputFailedException(in.url().toString(), "holds no objects (an input prefix must hold at least one)",
                    null, FailureReason.INPUT_NOT_FOUND);
        }
        for (String rest : files) {
            for (int slash = rest.indexOf('/'); slash > 0; slash = rest.indexOf('/', slash + 1)) {
                if (files.contains(rest.substring(0, slash))) {
                    throw new InputFailedException(in.url().toString(), "has the key '" + in.url().key() + rest.substring(0, slash)
                            + "', which would be both a file and the directory of '" + in.url().key() + rest + "'", null,
                            FailureReason.UNSAFE_NAME);
                }
            }
        }
        return out;
    }

    /** Where the object {@code url} ({@code rest} below the prefix) goes, or an {@code unsafe_name} refusal naming the key. */
    private static ContainerPath childPath(S3Input in, String key, String rest) {
        boolean unsafe = rest.startsWith("/") || rest.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\');
        for (String segment : rest.split("/", -1)) {
            unsafe |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
        }
        if (!unsafe) {
            try {
                return new ContainerPath(in.path().value() + "/" + rest);
            } catch (IllegalArgumentException e) {
                unsafe = true;
            }
        }
        throw unsafe(in, key, null);
    }

    private static InputFailedException unsafe(S3Input in, String key, Throwable cause) {
        return new InputFailedException(in.url().toString(), "has the key '" + key + "', which cannot be a file below "
                + in.path() + " (an empty, '.' or '..' segment, a leading '/', a control character, '%', or too long): not"
                + " delivered, nothing ran", cause, FailureReason.UNSAFE_NAME);
    }

    /**
     * The bytes of {@code object}, verified as they stream ({@link VerifiedInput}); the caller closes.
     *
     * @throws InputFailedException {@code input_not_found} when it is gone, {@code input_failed} when it
     *         changed or the store fails
     */
    public VerifiedInput open(InputObject object) {
        try {
            return new VerifiedInput(object, store.get().open(object.url(), Optional.ofNullable(object.etag())));
        } catch (ObjectMissingException e) {
            throw new InputFailedException(object.url().toString(), e.getMessage(), e,
                    e.changed() ? FailureReason.INPUT_FAILED : FailureReason.INPUT_NOT_FOUND);
        } catch (ObjectStoreException e) {
            throw new InputFailedException(object.url().toString(), e.getMessage(), e, FailureReason.INPUT_FAILED);
        }
    }
}
