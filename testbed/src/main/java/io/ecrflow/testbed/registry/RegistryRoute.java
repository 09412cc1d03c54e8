package io.ecrflow.testbed.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a distribution API path addresses: the repository and, for manifests, the reference.
 * Repository names may contain slashes, so the known suffixes are matched from the end.
 */
public record RegistryRoute(String repository, Kind kind, String reference) {

    public enum Kind { MANIFEST, BLOB, UPLOAD, TAGS, REFERRERS }

    private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
    private static final Pattern UPLOAD = Pattern.compile("^/v2/(.+)/blobs/uploads/?([^/]*)$");
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/([^/]+)$");
    private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");
    private static final Pattern REFERRERS = Pattern.compile("^/v2/(.+)/referrers/([^/]+)$");

    /** The route of a repository-scoped path; empty for {@code /v2/}, {@code /v2/_catalog} and the like. */
    static Optional<RegistryRoute> of(String path) {
        Matcher manifest = MANIFEST.matcher(path);
        if (manifest.matches()) {
            return Optional.of(new RegistryRoute(manifest.group(1), Kind.MANIFEST, manifest.group(2)));
        }
        Matcher upload = UPLOAD.matcher(path);
        if (upload.matches()) {
            return Optional.of(new RegistryRoute(upload.group(1), Kind.UPLOAD, upload.group(2)));
        }
        Matcher blob = BLOB.matcher(path);
        if (blob.matches()) {
            return Optional.of(new RegistryRoute(blob.group(1), Kind.BLOB, blob.group(2)));
        }
        Matcher referrers = REFERRERS.matcher(path);
        if (referrers.matches()) {
            return Optional.of(new RegistryRoute(referrers.group(1), Kind.REFERRERS, referrers.group(2)));
        }
        Matcher tags = TAGS.matcher(path);
        if (tags.matches()) {
            return Optional.of(new RegistryRoute(tags.group(1), Kind.TAGS, ""));
        }
        return Optional.empty();
    }

    /** A manifest addressed by tag rather than by digest: the only kind of write immutability guards. */
    boolean isTaggedManifest() {
        return kind == Kind.MANIFEST && !reference.contains(":");
    }
}
