package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.registry.Tag;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The tags that carry platform image versions: {@code <prefix>-MAJOR.MINOR.PATCH}
 * (e.g. {@code 6.0-bullseye-slim-1.4.0}), or plain {@code MAJOR.MINOR.PATCH} without a prefix.
 * Any other tag of the repository ({@code latest}, {@code 6.0}, a build number) is not a version.
 */
public final class VersionTags {
    static final String INPUT = "versionPrefix";

    private final String prefix;

    private VersionTags(String prefix) {
        this.prefix = prefix;
    }

    /** @param prefix blank for plain version tags */
    public static VersionTags withPrefix(String prefix) {
        String given = prefix == null ? "" : prefix.trim();
        String sample = given.isEmpty() ? "999.999.999" : given + "-999.999.999";
        if (given.endsWith("-") || !Tag.isValid(sample)) {
            throw new UserError("Version prefix '" + given + "' cannot start a tag: use letters, digits, '_', '.' and "
                    + "'-' (not first, not last), short enough for '" + sample + "' to fit in 128 characters, "
                    + "e.g. 6.0-bullseye-slim.", INPUT);
        }
        return new VersionTags(given);
    }

    public String prefix() {
        return prefix;
    }

    /** How the version tags look, for messages: {@code 6.0-bullseye-slim-X.Y.Z}. */
    public String pattern() {
        return prefix.isEmpty() ? "X.Y.Z" : prefix + "-X.Y.Z";
    }

    public Tag tagOf(Version version) {
        return Tag.of(prefix.isEmpty() ? version.toString() : prefix + "-" + version);
    }

    /** The version a tag carries, when it is one of this prefix's version tags. */
    public Optional<Version> versionOf(Tag tag) {
        String value = tag.value();
        if (prefix.isEmpty()) {
            return Version.parse(value);
        }
        return value.startsWith(prefix + "-") ? Version.parse(value.substring(prefix.length() + 1)) : Optional.empty();
    }

    /** The highest version among {@code tags}, by version order (not string order, not the first found). */
    public Optional<Version> highest(Collection<Tag> tags) {
        return tags.stream().map(this::versionOf).flatMap(Optional::stream).max(Comparator.naturalOrder());
    }
}
