package io.ecrflow.testbed.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a distribution API path addresses: the repository and, for manifests, the reference.
 * Repository names may contain slashes, so the known suffixes are matched from the end.
 */
public record RegistryRoute(String repository, Kind kind, String reference) {

    /** What a path addresses, declared in the order paths are matched: an upload path also looks like a blob's. */
    public enum Kind {
        MANIFEST("^/v2/(.+)/manifests/([^/]+)$"),
        UPLOAD("^/v2/(.+)/blobs/uploads/?([^/]*)$"),
        BLOB("^/v2/(.+)/blobs/([^/]+)$"),
        REFERRERS("^/v2/(.+)/referrers/([^/]+)$"),
        TAGS("^/v2/(.+)/tags/list$");

        private final Pattern path;

        Kind(String path) {
            this.path = Pattern.compile(path);
        }
    }

    /** The route of a repository-scoped path; empty for {@code /v2/}, {@code /v2/_catalog} and the like. */
    public static Optional<RegistryRoute> of(String path) {
        for (Kind kind : Kind.values()) {
            Matcher matcher = kind.path.matcher(path);
            if (matcher.matches()) {
                return Optional.of(new RegistryRoute(matcher.group(1), kind,
                        matcher.groupCount() > 1 ? matcher.group(2) : ""));
            }
        }
        return Optional.empty();
    }

    /** A manifest addressed by tag rather than by digest: the only kind of write immutability guards. */
    boolean isTaggedManifest() {
        return kind == Kind.MANIFEST && !reference.contains(":");
    }
}
