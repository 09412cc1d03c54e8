package io.ecrflow.registry;

import io.ecrflow.UserError;

/**
 * Where a build's registry cache lives: a repository and tag in the registry the step pushes to (the
 * one it has credentials for). The cache tag moves on every run and is never one of the user's tags.
 */
public record CacheRef(RepositoryName repository, Tag tag) {
    public static final Tag DEFAULT_TAG = Tag.of("buildcache");

    /** The default: tag {@code buildcache} of the repository the image is pushed to. */
    public static CacheRef defaultFor(RepositoryName pushedTo) {
        return new CacheRef(pushedTo, DEFAULT_TAG);
    }

    /**
     * Parses the {@code cacheRef} input: {@code TAG} (in the pushed repository), {@code REPOSITORY:TAG},
     * or {@code REPOSITORY} (tag {@code buildcache}); a name with a registry host is refused, since the
     * step holds credentials for its own registry only.
     *
     * @param text blank means the default
     */
    public static CacheRef parse(String text, RepositoryName pushedTo, String input) {
        String given = text == null ? "" : text.trim();
        if (given.isEmpty()) {
            return defaultFor(pushedTo);
        }
        if (!given.contains("/") && !given.contains(":")) {
            if (!Tag.isValid(given)) {
                throw new UserError("Input '" + input + "' is '" + given + "', which is not a valid tag (up to 128 of "
                        + "letters, digits, '_', '.', '-', not starting with '.' or '-'). Give a tag, or repository:tag.", input);
            }
            return new CacheRef(pushedTo, Tag.of(given));
        }
        int slash = given.indexOf('/');
        String first = slash < 0 ? "" : given.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            throw new UserError("Input '" + input + "' is '" + given + "', which names a registry (" + first + "). The cache "
                    + "lives in the registry the step pushes to: give only repository:tag, e.g. "
                    + pushedTo + ":" + DEFAULT_TAG + ".", input);
        }
        int colon = given.lastIndexOf(':');
        String repository = colon < 0 ? given : given.substring(0, colon);
        String tag = colon < 0 ? DEFAULT_TAG.value() : given.substring(colon + 1);
        if (!Tag.isValid(tag)) {
            throw new UserError("Input '" + input + "' is '" + given + "': '" + tag + "' is not a valid tag.", input);
        }
        return new CacheRef(RepositoryName.fromInput(repository, input), Tag.of(tag));
    }

    /** The cache's full reference once the registry host is known (after logging in). */
    public ImageRef in(String registry) {
        return ImageRef.tagged(registry, repository, tag);
    }

    /** Whether {@code tag} of {@code pushedTo} is the cache's own tag, so the two would overwrite each other. */
    public boolean isTag(RepositoryName pushedTo, Tag other) {
        return repository.equals(pushedTo) && tag.equals(other);
    }

    @Override
    public String toString() {
        return repository + ":" + tag;
    }
}
