package io.ecrflow.platform;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A platform image version, {@code MAJOR.MINOR.PATCH}, ordered as semantic versions are (1.10.0 after 1.9.0). */
public record Version(int major, int minor, int patch) implements Comparable<Version> {
    public static final Version FIRST = new Version(1, 0, 0);

    // Semantic Versioning 2.0.0's numeric identifiers: no leading zeros.
    private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");
    private static final Comparator<Version> ORDER = Comparator.comparingInt(Version::major)
            .thenComparingInt(Version::minor).thenComparingInt(Version::patch);

    /** Which number a new version increases. */
    public enum Part { MAJOR, MINOR, PATCH }

    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers are not negative: " + major + "." + minor + "." + patch);
        }
    }

    /** {@code 1.4.0}; empty for anything else ({@code 1.4}, {@code v1.4.0}, {@code 01.4.0}). */
    public static Optional<Version> parse(String text) {
        Matcher matcher = SEMVER.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Version(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    /** The next version: major resets minor and patch, minor resets patch. */
    public Version bump(Part part) {
        return switch (part) {
            case MAJOR -> new Version(major + 1, 0, 0);
            case MINOR -> new Version(major, minor + 1, 0);
            case PATCH -> new Version(major, minor, patch + 1);
        };
    }

    @Override
    public int compareTo(Version other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
