package io.ecrflow.pipeline;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version a release's git tag names, {@code v1.2.3} or {@code 1.2.3} (a pre-release {@code v1.2.3-rc.1} too; build
 * metadata after {@code +} is dropped, since a tag cannot hold it): the tags a release gets are the whole version,
 * and, for a release that is neither a pre-release nor a 0.x version, {@code 1.2} and {@code 1}, which move to the
 * newest release of their line (as docker/metadata-action's semver rules do).
 */
public record ReleaseVersion(int major, int minor, int patch, Optional<String> preRelease) {
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    /** Empty when the git tag is not a semantic version. */
    public static Optional<ReleaseVersion> of(String gitTag) {
        Matcher version = SEMVER.matcher(gitTag.trim());
        if (!version.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ReleaseVersion(Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)),
                Integer.parseInt(version.group(3)), Optional.ofNullable(version.group(4))));
    }

    /** {@code 1.2.3}, or {@code 1.2.3-rc.1}. */
    public String full() {
        return major + "." + minor + "." + patch + preRelease.map(pre -> "-" + pre).orElse("");
    }

    /** {@code 1.2}: not for a pre-release. */
    public Optional<String> majorMinor() {
        return preRelease.isPresent() ? Optional.empty() : Optional.of(major + "." + minor);
    }

    /** {@code 1}: not for a pre-release, nor for 0.x, where a minor version may break what the last one did. */
    public Optional<String> majorOnly() {
        return preRelease.isPresent() || major == 0 ? Optional.empty() : Optional.of(Integer.toString(major));
    }
}
