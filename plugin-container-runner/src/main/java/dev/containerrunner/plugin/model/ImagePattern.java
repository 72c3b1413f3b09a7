package dev.containerrunner.plugin.model;

import java.util.regex.Pattern;

/**
 * One allowlist entry: an exact reference or a glob such as {@code jrottenberg/ffmpeg:*}.
 *
 * <p>Patterns are normalised like references ({@code python:3.11-slim} means
 * {@code docker.io/library/python:3.11-slim}); a missing tag means {@code latest}. {@code *}
 * matches within one piece only: inside a tag it matches any tag; inside a repository component it
 * never crosses {@code /}, so {@code jrottenberg/ffmpeg:*} admits neither
 * {@code jrottenberg/ffmpeg-evil:1} nor {@code evil.io/jrottenberg/ffmpeg:1}. A pattern whose tag is
 * exactly {@code *} also admits digest-pinned references of that repository. Registries are never
 * wildcards.
 *
 * <p>A reference that carries a digest is judged by its digest alone, because that is what the
 * engine runs (it ignores a tag next to a digest): it is admitted by an entry pinning that digest
 * ({@code repo@sha256:…}, or {@code repo:tag@sha256:…}, whose tag is then ignored too) or by a
 * {@code repo:*} entry, never by an entry naming only a tag. So {@code repo:approved} does not
 * admit {@code repo:approved@sha256:<another image>}, and {@code repo:4.*} admits no digest.
 *
 * @apiNote immutable and thread-safe
 */
public final class ImagePattern {

    private static final Pattern PATTERN_COMPONENT = Pattern.compile("[a-z0-9*]+(?:(?:[._]|__|-+)[a-z0-9*]+)*");
    private static final Pattern PATTERN_TAG = Pattern.compile("[\\w*][\\w.*-]{0,127}");

    private final String text;
    private final String registry;
    private final Pattern repository;
    private final Pattern tag;        // null: the entry pins a digest (any tag written beside it is ignored)
    private final boolean anyTag;
    private final String digest;

    private ImagePattern(String text, String registry, Pattern repository, Pattern tag, boolean anyTag, String digest) {
        this.text = text;
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.anyTag = anyTag;
        this.digest = digest;
    }

    /** Parses an allowlist entry; throws {@link IllegalArgumentException} saying what is wrong. */
    public static ImagePattern parse(String text) {
        if (text == null || text.isBlank() || !text.equals(text.strip()) || text.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new IllegalArgumentException("allowlist entry '" + text + "' is empty or holds whitespace/non-ASCII");
        }
        if (!text.contains("*")) {
            ImageReference exact = ImageReference.parse(text);
            return new ImagePattern(text, exact.domain(), Pattern.compile(Pattern.quote(exact.repository())),
                    exact.digest() != null ? null : Pattern.compile(Pattern.quote(exact.tag())), false, exact.digest());
        }
        if (text.contains("@")) {
            throw new IllegalArgumentException("allowlist entry '" + text + "': a digest entry cannot hold '*'");
        }
        ImageReference.Parts parts = ImageReference.Parts.split(text);
        String domain = parts.domain();
        String rest = parts.path();
        String tagPart = parts.tag() == null ? "latest" : parts.tag();
        if (domain != null && domain.contains("*")) {
            throw new IllegalArgumentException("allowlist entry '" + text + "': the registry cannot be a wildcard");
        }
        for (String component : rest.split("/", -1)) {
            if (!PATTERN_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("allowlist entry '" + text + "': repository component '" + component
                        + "' is malformed");
            }
        }
        if (!PATTERN_TAG.matcher(tagPart).matches()) {
            throw new IllegalArgumentException("allowlist entry '" + text + "': tag '" + tagPart + "' is malformed");
        }
        String normalisedDomain = domain == null ? ImageReference.DEFAULT_DOMAIN
                : ImageReference.parse(domain + "/x").domain();
        String path = normalisedDomain.equals(ImageReference.DEFAULT_DOMAIN) && !rest.contains("/") ? "library/" + rest : rest;
        Pattern repo = Pattern.compile(glob(normalisedDomain + "/" + path, "[a-z0-9._-]*"));
        return new ImagePattern(text, normalisedDomain, repo, Pattern.compile(glob(tagPart, "[\\w.-]*")), tagPart.equals("*"), null);
    }

    /** {@code s} as a regex where each {@code *} becomes {@code star} and everything else is literal. */
    private static String glob(String s, String star) {
        String[] pieces = s.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(pieces[0]));
        for (int i = 1; i < pieces.length; i++) {
            regex.append(star).append(Pattern.quote(pieces[i]));
        }
        return regex.toString();
    }

    /** Whether {@code ref} (normalised) is admitted by this entry. */
    public boolean matches(ImageReference ref) {
        if (!repository.matcher(ref.repository()).matches()) {
            return false;
        }
        if (ref.digest() != null) {
            // the engine runs the digest and ignores any tag beside it: judge the digest alone
            return digest != null ? digest.equals(ref.digest()) : anyTag;
        }
        return tag != null && tag.matcher(ref.tag()).matches();
    }

    /** The registry every reference this entry admits is in (normalised; registries are never wildcards). */
    public String registry() {
        return registry;
    }

    @Override
    public String toString() {
        return text;
    }
}
