package io.ecrflow.testbed.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** An image manifest or index as stored in the registry: its exact bytes, media type and digest. */
public record Manifest(String digest, String mediaType, byte[] content) {

    public static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    /** Every manifest type ECR stores; asked for explicitly so the registry never converts. */
    static final List<String> ACCEPTED_TYPES = List.of(DOCKER_V2, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX);

    private static final ObjectMapper JSON = new ObjectMapper();

    public static String digestOf(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** An OCI image index or a Docker manifest list: a list of images, no image itself. */
    public boolean isIndex() {
        return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** ECR reports the compressed size: the layers of an image, or the manifests an index lists. */
    public long sizeInBytes() {
        JsonNode tree = tree();
        JsonNode parts = tree.has("layers") ? tree.get("layers") : tree.path("manifests");
        long size = 0;
        for (JsonNode part : parts) {
            size += part.path("size").asLong();
        }
        return size;
    }

    /** The config blob's digest, the image id an engine with the classic image store gives the image. */
    public Optional<String> configDigest() {
        JsonNode config = tree().path("config").path("digest");
        return config.isTextual() ? Optional.of(config.asText()) : Optional.empty();
    }

    /** Whether this image manifest names the blob as its config or one of its layers. */
    boolean references(String blobDigest) {
        JsonNode tree = tree();
        if (tree.path("config").path("digest").asText("").equals(blobDigest)) {
            return true;
        }
        for (JsonNode layer : tree.path("layers")) {
            if (layer.path("digest").asText("").equals(blobDigest)) {
                return true;
            }
        }
        return false;
    }

    /** The config blob's media type, which ECR reports as the image's artifact media type. */
    public Optional<String> configMediaType() {
        JsonNode config = tree().path("config").path("mediaType");
        return config.isTextual() ? Optional.of(config.asText()) : Optional.empty();
    }

    /** The media type a manifest declares about itself, if it does. */
    public static Optional<String> declaredMediaType(byte[] content) {
        try {
            JsonNode type = JSON.readTree(content).path("mediaType");
            return type.isTextual() ? Optional.of(type.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private JsonNode tree() {
        try {
            return JSON.readTree(content);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
