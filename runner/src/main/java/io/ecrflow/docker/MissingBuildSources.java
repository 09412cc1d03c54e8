package io.ecrflow.docker;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a build that failed because a COPY or ADD source is not in the build context, and says which
 * context the build used. Users coming from Docker@2 (whose context is the Dockerfile's folder) or from a
 * {@code docker build} in another folder meet this as a bare {@code "/web": not found}.
 */
final class MissingBuildSources {
    // BuildKit, newer: failed to compute cache key: failed to calculate checksum of ref <id>::<id>: "/web": not found
    // older (Debian's docker.io 20.10): failed to compute cache key: "/web" not found: not found
    private static final Pattern BUILDKIT = Pattern.compile("\"(/[^\"]*)\":? not found");
    // The engine's classic builder: COPY failed: file not found in build context or excluded by .dockerignore: stat web: ...
    private static final Pattern ENGINE = Pattern.compile("(?:COPY|ADD) failed: file not found in build context[^:]*: stat ([^:]+):");

    private MissingBuildSources() {
    }

    /** The sentence to add to the build's error when {@code failure} is a missing source; empty otherwise. */
    static Optional<String> explain(String failure, Path context) {
        Optional<String> source = find(BUILDKIT, failure).or(() -> find(ENGINE, failure));
        return source.map(path -> "The COPY/ADD source " + path + " is not in the build context " + context
                + " (or .dockerignore leaves it out): those paths are relative to the context, not to the Dockerfile. "
                + "Set 'context' to the folder they are relative to (by default the Dockerfile's folder), or fix the path.");
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
