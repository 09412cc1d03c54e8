package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.registry.DistributionRegistry;
import io.ecrflow.testbed.registry.Manifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** ECR's image operations, answered from what the distribution registry holds. */
record ImageOperations(Repositories repositories, DistributionRegistry registry,
        RepositoryOperations repositoryOperations) {

    ObjectNode describeImages(JsonNode input, String region) {
        Repository repository = repositoryOperations.repository(input);
        String name = repository.name();
        Map<String, List<String>> tagsByDigest = registry.tagsByDigest(name);
        Set<String> digests = new LinkedHashSet<>();
        JsonNode imageIds = input.path("imageIds");
        if (imageIds.isArray() && imageIds.size() > 0) {
            for (JsonNode imageId : imageIds) {
                digests.add(resolve(name, imageId).orElseThrow(() -> imageNotFound(name, imageId)));
            }
        } else {
            // without an imageStatus filter, only ACTIVE images are listed (API_DescribeImagesFilter)
            String tagStatus = input.path("filter").path("tagStatus").asText("ANY");
            String imageStatus = input.path("filter").path("imageStatus").asText("ACTIVE");
            for (String digest : registry.manifestDigests(name)) {
                boolean tagged = tagsByDigest.containsKey(digest);
                boolean statusMatches = imageStatus.equals("ANY") || imageStatus.equals(repository.imageStatus(digest));
                if ((tagStatus.equals("ANY") || tagged == tagStatus.equals("TAGGED")) && statusMatches) {
                    digests.add(digest);
                }
            }
        }
        ObjectNode output = Json.object();
        ArrayNode details = output.putArray("imageDetails");
        for (String digest : digests) {
            Manifest manifest = registry.manifest(name, digest).orElseThrow(() -> imageNotFound(name, digest, null));
            ObjectNode detail = details.addObject();
            detail.put("registryId", repositories.accountId());
            detail.put("repositoryName", name);
            detail.put("imageDigest", digest);
            List<String> tags = tagsByDigest.getOrDefault(digest, List.of());
            if (!tags.isEmpty()) {
                ArrayNode tagArray = detail.putArray("imageTags");
                tags.forEach(tagArray::add);
            }
            detail.put("imageSizeInBytes", manifest.sizeInBytes());
            detail.put("imagePushedAt", Json.epochSeconds(repository.pushedAt(digest, registry)));
            detail.put("imageManifestMediaType", manifest.mediaType());
            manifest.configMediaType().ifPresent(type -> detail.put("artifactMediaType", type));
            detail.put("imageStatus", repository.imageStatus(digest));
            repository.lastPulledAt(digest).ifPresent(at -> detail.put("lastRecordedPullTime", Json.epochSeconds(at)));
            repository.lastArchivedAt(digest).ifPresent(at -> detail.put("lastArchivedAt", Json.epochSeconds(at)));
            repository.lastActivatedAt(digest).ifPresent(at -> detail.put("lastActivatedAt", Json.epochSeconds(at)));
        }
        return output;
    }

    ObjectNode batchGetImage(JsonNode input, String region) {
        Repository repository = repositoryOperations.repository(input);
        String name = repository.name();
        ObjectNode output = Json.object();
        ArrayNode images = output.putArray("images");
        ArrayNode failures = output.putArray("failures");
        for (JsonNode imageId : input.path("imageIds")) {
            Optional<String> tag = Json.text(imageId, "imageTag");
            Optional<String> digest = Json.text(imageId, "imageDigest");
            if (tag.isEmpty() && digest.isEmpty()) {
                addFailure(failures, imageId, "MissingDigestAndTag", "Missing image digest and image tag");
                continue;
            }
            Optional<String> resolved = resolve(name, imageId);
            if (tag.isPresent() && digest.isPresent() && resolved.isPresent() && !resolved.equals(digest)) {
                addFailure(failures, imageId, "ImageTagDoesNotMatchDigest", "Invalid tag for the provided digest");
                continue;
            }
            Optional<Manifest> manifest = resolved.flatMap(found -> registry.manifest(name, found));
            if (manifest.isEmpty()) {
                addFailure(failures, imageId, "ImageNotFound", "Requested image not found");
                continue;
            }
            images.add(image(name, manifest.get(), tag));
        }
        return output;
    }

    /**
     * Stores a manifest under a tag, as ECR's PutImage does for retagging without a pull. A tag the repository keeps
     * immutable that exists is ImageTagAlreadyExists, whatever digest it holds (aws/aws-cli#8671,
     * aws/containers-roadmap#2179); the same digest already under a tag that may move is ImageAlreadyExists.
     */
    ObjectNode putImage(JsonNode input, String region) {
        Repository repository = repositoryOperations.repository(input);
        String name = repository.name();
        byte[] content = Json.requiredText(input, "imageManifest").getBytes(StandardCharsets.UTF_8);
        String digest = Manifest.digestOf(content);
        Optional<String> declaredDigest = Json.text(input, "imageDigest");
        if (declaredDigest.isPresent() && !declaredDigest.get().equals(digest)) {
            throw new AwsError("ImageDigestDoesNotMatchException", "Provided digest '" + declaredDigest.get()
                    + "' does not match the digest of the image manifest '" + digest + "'");
        }
        String mediaType = Json.text(input, "imageManifestMediaType")
                .or(() -> Manifest.declaredMediaType(content))
                .orElse(Manifest.DOCKER_V2);
        Optional<String> tag = Json.text(input, "imageTag");
        synchronized (repository.manifestWrites()) {
            Optional<String> current = registry.digestOf(name, tag.orElse(digest));
            if (tag.isPresent() && current.isPresent() && repository.immutable(tag.get())) {
                throw new AwsError("ImageTagAlreadyExistsException", "The image tag '" + tag.get()
                        + "' already exists in the '" + name
                        + "' repository and cannot be overwritten because the repository is immutable.");
            }
            if (current.isPresent() && current.get().equals(digest)) {
                throw new AwsError("ImageAlreadyExistsException", "Image with digest '" + digest + "' and tag '"
                        + tag.orElse("null") + "' already exists in the repository with name '" + name
                        + "' in registry with id '" + repositories.accountId() + "'");
            }
            store(name, tag.orElse(digest), content, mediaType);
            repository.recordPush(digest, Instant.now());
        }
        ObjectNode output = Json.object();
        output.set("image", image(name, new Manifest(digest, mediaType, content), tag));
        return output;
    }

    private void store(String name, String reference, byte[] content, String mediaType) {
        try {
            registry.putManifest(name, reference, content, mediaType);
        } catch (DistributionRegistry.RegistryRejection rejection) {
            if (rejection.code().contains("BLOB_UNKNOWN")) {
                throw new AwsError("LayersNotFoundException", "Layers required for pushing image into repository with "
                        + "name '" + name + "' in the registry with id '" + repositories.accountId()
                        + "' do not exist: " + rejection.getMessage());
            }
            throw AwsError.invalidParameter("Invalid parameter at 'ImageManifest' failed to satisfy constraint: '"
                    + rejection.getMessage() + "'");
        }
    }

    private ObjectNode image(String name, Manifest manifest, Optional<String> tag) {
        ObjectNode image = Json.object();
        image.put("registryId", repositories.accountId());
        image.put("repositoryName", name);
        ObjectNode id = image.putObject("imageId").put("imageDigest", manifest.digest());
        tag.ifPresent(value -> id.put("imageTag", value));
        image.put("imageManifest", manifest.text());
        image.put("imageManifestMediaType", manifest.mediaType());
        return image;
    }

    /** The digest the request's imageId names in its repository; ImageNotFoundException when there is none. */
    String digestOf(JsonNode input) {
        Repository repository = repositoryOperations.repository(input);
        JsonNode imageId = input.path("imageId");
        return resolve(repository.name(), imageId).orElseThrow(() -> imageNotFound(repository.name(), imageId));
    }

    /** The digest an imageId names: its tag's current digest, or its digest if the registry has it. */
    private Optional<String> resolve(String name, JsonNode imageId) {
        Optional<String> tag = Json.text(imageId, "imageTag");
        Optional<String> digest = Json.text(imageId, "imageDigest");
        if (tag.isPresent()) {
            Optional<String> tagged = registry.digestOf(name, tag.get());
            return digest.isPresent() && !digest.equals(tagged) ? Optional.empty() : tagged;
        }
        return digest.flatMap(value -> registry.digestOf(name, value));
    }

    private static void addFailure(ArrayNode failures, JsonNode imageId, String code, String reason) {
        ObjectNode failure = failures.addObject();
        failure.set("imageId", imageId.deepCopy());
        failure.put("failureCode", code);
        failure.put("failureReason", reason);
    }

    private AwsError imageNotFound(String name, JsonNode imageId) {
        return imageNotFound(name, Json.text(imageId, "imageDigest").orElse(null),
                Json.text(imageId, "imageTag").orElse(null));
    }

    private AwsError imageNotFound(String name, String digest, String tag) {
        return new AwsError("ImageNotFoundException", "The image with imageId {imageDigest:'" + digest
                + "', imageTag:'" + tag + "'} does not exist within the repository with name '" + name
                + "' in the registry with id '" + repositories.accountId() + "'");
    }
}
