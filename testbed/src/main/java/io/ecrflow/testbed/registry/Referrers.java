package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OCI 1.1 referrers as ECR keeps them: a manifest pushed with a {@code subject} is a referrer of that manifest, and
 * {@code GET /v2/<name>/referrers/<digest>} lists the referrers of a digest as an image index of descriptors, each
 * with its {@code artifactType} (the manifest's, else its config's media type) and annotations. The distribution
 * registry behind the front (2.8) has no referrers API and keeps no subject relations, so the front records each
 * referrer from the manifest PUTs it forwards.
 */
final class Referrers {

    /** What a manifest's {@code subject} names: the digest and the media type of the manifest it refers to. */
    record Subject(String digest, String mediaType) {
        /** ECR refuses a referrer of an index (aws/containers-roadmap issue 2783): only image manifests are subjects. */
        boolean isIndex() {
            return mediaType.equals(Manifest.OCI_INDEX) || mediaType.equals(Manifest.DOCKER_LIST);
        }
    }

    /** repository → subject digest → the descriptors of its referrers, oldest first. */
    private final Map<String, Map<String, List<ObjectNode>>> byRepository = new ConcurrentHashMap<>();

    /** The subject {@code content} names; empty for a manifest without one, or one that is no JSON. */
    static Optional<Subject> subjectOf(byte[] content) {
        JsonNode subject = tree(content).path("subject");
        JsonNode digest = subject.path("digest");
        return digest.isTextual() ? Optional.of(new Subject(digest.asText(), subject.path("mediaType").asText(""))) : Optional.empty();
    }

    /** Records {@code content} (stored as {@code mediaType}) as a referrer of its subject in {@code repository}. */
    void record(String repository, Subject subject, byte[] content, String mediaType) {
        JsonNode manifest = tree(content);
        ObjectNode descriptor = Json.object().put("mediaType", mediaType).put("digest", Manifest.digestOf(content))
                .put("size", content.length);
        JsonNode artifactType = manifest.path("artifactType");
        JsonNode configType = manifest.path("config").path("mediaType");
        if (artifactType.isTextual()) {
            descriptor.put("artifactType", artifactType.asText());
        } else if (configType.isTextual()) {
            descriptor.put("artifactType", configType.asText());
        }
        if (manifest.path("annotations").isObject()) {
            descriptor.set("annotations", manifest.path("annotations").deepCopy());
        }
        List<ObjectNode> referrers = byRepository.computeIfAbsent(repository, name -> new ConcurrentHashMap<>())
                .computeIfAbsent(subject.digest(), digest -> new CopyOnWriteArrayList<>());
        referrers.removeIf(known -> known.path("digest").equals(descriptor.path("digest")));
        referrers.add(descriptor);
    }

    /** The referrers API's answer: an OCI image index of the descriptors, those of {@code artifactType} when given. */
    ObjectNode index(String repository, String subject, Optional<String> artifactType) {
        ObjectNode index = Json.object().put("schemaVersion", 2).put("mediaType", Manifest.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        byRepository.getOrDefault(repository, Map.of()).getOrDefault(subject, List.of()).stream()
                .filter(descriptor -> artifactType.isEmpty()
                        || artifactType.get().equals(descriptor.path("artifactType").asText(null)))
                .forEach(manifests::add);
        return index;
    }

    private static JsonNode tree(byte[] content) {
        try {
            JsonNode tree = Json.MAPPER.readTree(content);
            return tree == null ? Json.object() : tree;
        } catch (IOException notJson) {
            return Json.object();
        }
    }
}
