package io.ecrflow.docker;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The version a docker CLI reports, e.g. {@code 20.10.24+dfsg1}; compared by major and minor only. */
record CliVersion(int major, int minor, String text) {
    // "Docker version 20.10.24+dfsg1, build 297e128"
    private static final Pattern VERSION = Pattern.compile("version (v?(\\d+)\\.(\\d+)[^\\s,]*)");

    static Optional<CliVersion> fromVersionLine(String line) {
        Matcher matcher = VERSION.matcher(line);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new CliVersion(
                Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)), matcher.group(1)));
    }

    boolean atLeast(int otherMajor, int otherMinor) {
        return major > otherMajor || (major == otherMajor && minor >= otherMinor);
    }

    /** BuildKit came into the CLI with 18.09; from 23.0 on the CLI hands BuildKit builds to the buildx plugin. */
    boolean hasBuiltInBuildKit() {
        return atLeast(18, 9) && !atLeast(23, 0);
    }
}
