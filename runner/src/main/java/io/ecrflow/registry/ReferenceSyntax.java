package io.ecrflow.registry;

import java.util.Locale;

/**
 * Docker's reference normalisation (distribution/reference's ParseNormalizedNamed): the first path
 * part is a registry host only if it has a '.' or ':' or is {@code localhost}; otherwise the image
 * is on Docker Hub, whose one-part names live under {@code library/}; no tag means {@code latest}.
 */
final class ReferenceSyntax {
    static final String DOCKER_HUB = RegistryHost.DOCKER_HUB;

    private ReferenceSyntax() {
    }

    static ImageRef parse(String text) {
        String rest = text == null ? "" : text.trim();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("an image reference is empty");
        }
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' has '" + rest.substring(at + 1)
                        + "' after '@', which is not a sha256 digest");
            }
            rest = rest.substring(0, at);
        }
        Tag tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            String tagText = rest.substring(colon + 1);
            if (!Tag.isValid(tagText)) {
                throw new IllegalArgumentException("'" + text + "' has tag '" + tagText + "', which is not a valid tag");
            }
            tag = Tag.of(tagText);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0 && isHost(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            path = rest.substring(slash + 1);
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (tag == null && digest == null) {
            tag = Tag.of("latest");
        }
        try {
            return new ImageRef(registry, new RepositoryName(path), tag, digest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an image reference: the repository '" + path
                    + "' must be lower-case letters, digits and separators ('.', '_', '-', '/')");
        }
    }

    private static boolean isHost(String part) {
        return part.contains(".") || part.contains(":") || part.equals("localhost")
                || !part.equals(part.toLowerCase(Locale.ROOT));
    }
}
