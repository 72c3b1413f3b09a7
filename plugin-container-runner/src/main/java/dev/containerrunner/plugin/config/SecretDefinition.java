package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.plugin.model.ImageReference;
import java.util.List;

/**
 * One entry of {@code secrets}: its name (what kwargs refer to, and the file name under
 * {@code /run/secrets}), where its value is read from, and the images it may be given to.
 *
 * @param allowedImages {@code allowed_images} of the entry, matched like the top-level allowlist;
 *                      empty: every image the top-level allowlist admits
 * @apiNote Immutable and thread-safe.
 */
public record SecretDefinition(String name, SecretSource source, List<ImagePattern> allowedImages) {

    public SecretDefinition {
        allowedImages = List.copyOf(allowedImages);
    }

    /** Whether this secret may be given to a container of {@code image} (the top-level allowlist is checked apart). */
    public boolean allows(ImageReference image) {
        return allowedImages.isEmpty() || allowedImages.stream().anyMatch(p -> p.matches(image));
    }
}
