package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A manifest as a registry serves it: either one image (pointing at its config blob) or an index of
 * images, one per platform (a multi-arch tag). The digest is the one the registry stored the bytes under.
 */
public record Manifest(String mediaType, Digest digest, byte[] content) {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_IMAGE = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_IMAGE = "application/vnd.docker.distribution.manifest.v2+json";
    /** Indexes first: asked for a multi-arch tag, a registry must then answer with the index and its digest. */
    public static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_IMAGE, DOCKER_IMAGE);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One image of an index. */
    public record Entry(Digest digest, String os, String architecture) {
        /** As users write it: {@code linux/arm64}. */
        public String platform() {
            return os + "/" + architecture;
        }

        /** BuildKit's attestation manifests sit in an index as entries of platform {@code unknown/unknown}. */
        public boolean isImage() {
            return !os.equals("unknown");
        }
    }

    public Manifest {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /**
     * Manifest bytes as a client holds them before any registry has them (an OCI image layout's blob): the digest is
     * the bytes' own, the media type their own {@code mediaType} field or, without one, what their shape says.
     */
    public static Manifest of(byte[] content) {
        String own = mediaTypeOf(content, null);
        String mediaType = !own.isEmpty() ? own : parse(content).has("manifests") ? OCI_INDEX : OCI_IMAGE;
        return new Manifest(mediaType, sha256(content), content);
    }

    public boolean isIndex() {
        return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
    }

    /** The config blob of a single-image manifest. */
    public Digest configDigest() {
        JsonNode config = json().path("config").path("digest");
        if (isIndex() || !config.isTextual()) {
            throw new IllegalStateException("manifest " + digest + " (" + mediaType + ") names no config blob");
        }
        return Digest.parse(config.asText());
    }

    /** The blobs a single-image manifest names: its config first, then its layers in order. */
    public List<Blob> blobs() {
        if (isIndex()) {
            throw new IllegalStateException("manifest " + digest + " is an index; its images name the blobs");
        }
        List<Blob> blobs = new ArrayList<>();
        JsonNode json = json();
        blobs.add(blob(json.path("config")));
        json.path("layers").forEach(layer -> blobs.add(blob(layer)));
        return blobs;
    }

    private static Blob blob(JsonNode descriptor) {
        return new Blob(Digest.parse(descriptor.path("digest").asText()), descriptor.path("size").asLong(-1),
                descriptor.path("mediaType").asText(""));
    }

    /** The images of an index, in the registry's order. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode entry : json().path("manifests")) {
            JsonNode platform = entry.path("platform");
            entries.add(new Entry(Digest.parse(entry.path("digest").asText()), platform.path("os").asText(""),
                    platform.path("architecture").asText("")));
        }
        return entries;
    }

    /** The images of an index: its entries less BuildKit's attestations. */
    public List<Entry> images() {
        return entries().stream().filter(Entry::isImage).toList();
    }

    /** The entry for {@code linux/amd64}, else the first real platform (BuildKit adds "unknown" attestation entries). */
    public Optional<Entry> preferredEntry() {
        List<Entry> entries = entries();
        return entries.stream().filter(e -> e.os().equals("linux") && e.architecture().equals("amd64")).findFirst()
                .or(() -> entries.stream().filter(Entry::isImage).findFirst());
    }

    /**
     * The manifest's media type: its own {@code mediaType} field when it has one, else what the
     * registry's Content-Type header said.
     */
    static String mediaTypeOf(byte[] content, String contentType) {
        try {
            JsonNode own = JSON.readTree(content).path("mediaType");
            if (own.isTextual() && !own.asText().isBlank()) {
                return own.asText();
            }
        } catch (IOException notJson) {
            // fall back on the header
        }
        return contentType == null ? "" : contentType.split(";")[0].trim();
    }

    static Digest sha256(byte[] content) {
        try {
            return new Digest("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private JsonNode json() {
        return parse(content);
    }

    private static JsonNode parse(byte[] content) {
        try {
            return JSON.readTree(content);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest of " + content.length + " bytes is not JSON", e);
        }
    }
}
