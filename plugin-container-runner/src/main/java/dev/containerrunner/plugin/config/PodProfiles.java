package dev.containerrunner.plugin.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The configured pod profiles by name, and which one a run uses: the one its {@code profile}
 * kwarg names, else the profile named {@value #DEFAULT} when there is one, else none.
 *
 * @param byName the profiles, by name
 * @apiNote immutable and thread-safe
 */
public record PodProfiles(Map<String, PodProfile> byName) {

    /** The profile a run takes when it names none, if configured. */
    public static final String DEFAULT = "default";

    public PodProfiles {
        byName = Map.copyOf(byName);
    }

    /** No profiles. */
    public static PodProfiles none() {
        return new PodProfiles(Map.of());
    }

    /** Whether no profile is configured. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * The profile of a run whose {@code profile} kwarg is {@code requested}.
     *
     * @throws UnknownProfileException when {@code requested} names no configured profile
     */
    public Optional<PodProfile> resolve(Optional<String> requested) {
        if (requested.isEmpty()) {
            return Optional.ofNullable(byName.get(DEFAULT));
        }
        PodProfile p = byName.get(requested.get());
        if (p == null) {
            throw new UnknownProfileException(requested.get(), new TreeSet<>(byName.keySet()).toString());
        }
        return Optional.of(p);
    }

    /** A {@code profile} kwarg naming no configured profile; says which ones exist. */
    public static final class UnknownProfileException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        private final String profile;

        UnknownProfileException(String profile, String known) {
            super("'" + profile + "' is not a configured profile (profiles: " + known + ")");
            this.profile = profile;
        }

        /** The name that was asked for. */
        public String profile() {
            return profile;
        }
    }
}
