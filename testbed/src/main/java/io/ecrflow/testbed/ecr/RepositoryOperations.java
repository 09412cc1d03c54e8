package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.registry.DistributionRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ECR's repository operations: create, describe, delete, and the settings a repository carries. */
record RepositoryOperations(Repositories repositories, DistributionRegistry registry, String registryHost) {

    private static final Set<String> ENCRYPTION_TYPES = Set.of("AES256", "KMS", "KMS_DSSE");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:ecr:([a-z0-9-]+):([0-9]{12}):repository/(.+)");

    ObjectNode create(JsonNode input, String region) {
        String name = Json.requiredText(input, "repositoryName");
        checkRegistryId(input, name);
        TagMutabilityRule mutability = TagMutabilityRule.from(input).orElse(TagMutabilityRule.MUTABLE);
        RepositorySettings settings = RepositorySettings.defaults()
                .withMutability(mutability.mode(), mutability.filters())
                .withScanOnPush(input.path("imageScanningConfiguration").path("scanOnPush").asBoolean(false))
                .withTags(tags(input.path("tags")));
        JsonNode encryption = input.path("encryptionConfiguration");
        if (encryption.isObject()) {
            settings = settings.withEncryption(encryptionType(encryption), Json.text(encryption, "kmsKey"));
        }
        Repository repository = repositories.create(name, region, settings);
        return repositoryResult(repository);
    }

    ObjectNode describe(JsonNode input, String region) {
        Optional<String> registryId = Json.text(input, "registryId");
        List<Repository> found = new ArrayList<>();
        JsonNode names = input.path("repositoryNames");
        if (names.isArray() && names.size() > 0) {
            for (JsonNode name : names) {
                if (registryId.isPresent() && !registryId.get().equals(repositories.accountId())) {
                    throw AwsError.repositoryNotFound(name.asText(), registryId.get());
                }
                found.add(repositories.get(name.asText()));
            }
        } else if (registryId.isEmpty() || registryId.get().equals(repositories.accountId())) {
            found.addAll(repositories.all());
        }
        ObjectNode output = Json.object();
        ArrayNode list = output.putArray("repositories");
        found.forEach(repository -> list.add(repositoryShape(repository)));
        return output;
    }

    ObjectNode delete(JsonNode input, String region) {
        Repository repository = repository(input);
        boolean force = input.path("force").asBoolean(false);
        synchronized (repository.manifestWrites()) {
            if (!force && !registry.manifestDigests(repository.name()).isEmpty()) {
                throw new AwsError("RepositoryNotEmptyException", "The repository with name '" + repository.name()
                        + "' in registry with id '" + repositories.accountId()
                        + "' cannot be deleted because it still contains images");
            }
            repositories.remove(repository.name());
            registry.forget(repository.name());
        }
        return repositoryResult(repository);
    }

    ObjectNode putLifecyclePolicy(JsonNode input, String region) {
        Repository repository = repository(input);
        String policy = Json.requiredText(input, "lifecyclePolicyText");
        LifecyclePolicyEvaluator.parse(policy);
        repository.setLifecyclePolicy(policy);
        return policyResult(repository, policy);
    }

    ObjectNode getLifecyclePolicy(JsonNode input, String region) {
        Repository repository = repository(input);
        return policyResult(repository, lifecyclePolicyOf(repository));
    }

    ObjectNode deleteLifecyclePolicy(JsonNode input, String region) {
        Repository repository = repository(input);
        String policy = lifecyclePolicyOf(repository);
        repository.setLifecyclePolicy(null);
        return policyResult(repository, policy);
    }

    ObjectNode listTagsForResource(JsonNode input, String region) {
        Repository repository = repositoryByArn(input);
        ObjectNode output = Json.object();
        ArrayNode tags = output.putArray("tags");
        repository.tags().forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        return output;
    }

    ObjectNode tagResource(JsonNode input, String region) {
        repositoryByArn(input).tag(tags(input.path("tags")));
        return Json.object();
    }

    ObjectNode untagResource(JsonNode input, String region) {
        List<String> keys = new ArrayList<>();
        input.path("tagKeys").forEach(key -> keys.add(key.asText()));
        repositoryByArn(input).untag(keys);
        return Json.object();
    }

    ObjectNode putImageTagMutability(JsonNode input, String region) {
        Repository repository = repository(input);
        TagMutabilityRule mutability = TagMutabilityRule.from(input).orElseThrow(() -> AwsError.invalidParameter(
                "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'must not be null'"));
        repository.setMutability(mutability);
        ObjectNode output = identity(repository);
        output.put("imageTagMutability", mutability.mode());
        putFilters(output, mutability.filters());
        return output;
    }

    ObjectNode putImageScanningConfiguration(JsonNode input, String region) {
        Repository repository = repository(input);
        repository.setScanOnPush(input.path("imageScanningConfiguration").path("scanOnPush").asBoolean(false));
        ObjectNode output = identity(repository);
        output.putObject("imageScanningConfiguration").put("scanOnPush", repository.scanOnPush());
        return output;
    }

    /** The repository a request names, honouring ECR's not-found wording for a foreign registry id. */
    Repository repository(JsonNode input) {
        String name = Json.requiredText(input, "repositoryName");
        checkRegistryId(input, name);
        return repositories.get(name);
    }

    private void checkRegistryId(JsonNode input, String name) {
        Optional<String> registryId = Json.text(input, "registryId");
        if (registryId.isPresent() && !registryId.get().equals(repositories.accountId())) {
            throw AwsError.repositoryNotFound(name, registryId.get());
        }
    }

    private Repository repositoryByArn(JsonNode input) {
        String arn = Json.requiredText(input, "resourceArn");
        Matcher matcher = ARN.matcher(arn);
        if (!matcher.matches()) {
            throw AwsError.invalidParameter("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'");
        }
        if (!matcher.group(2).equals(repositories.accountId())) {
            throw AwsError.repositoryNotFound(matcher.group(3), matcher.group(2));
        }
        return repositories.get(matcher.group(3));
    }

    private String lifecyclePolicyOf(Repository repository) {
        return repository.lifecyclePolicy().orElseThrow(() -> new AwsError("LifecyclePolicyNotFoundException",
                "Lifecycle policy does not exist for the repository with name '" + repository.name()
                        + "' in the registry with id '" + repositories.accountId() + "'"));
    }

    /** ECR answers the filters only where a mode has them. */
    private static void putFilters(ObjectNode shape, List<String> filters) {
        if (!filters.isEmpty()) {
            ArrayNode list = shape.putArray("imageTagMutabilityExclusionFilters");
            filters.forEach(filter -> list.addObject().put("filterType", "WILDCARD").put("filter", filter));
        }
    }

    private static String encryptionType(JsonNode encryption) {
        String type = Json.requiredText(encryption, "encryptionType");
        if (!ENCRYPTION_TYPES.contains(type)) {
            throw AwsError.invalidParameter("Invalid parameter at 'encryptionType' failed to satisfy constraint: "
                    + "'Member must satisfy enum value set: [AES256, KMS, KMS_DSSE]'");
        }
        if (type.equals("AES256") && encryption.hasNonNull("kmsKey")) {
            throw AwsError.invalidParameter("Invalid parameter at 'encryptionConfiguration' failed to satisfy "
                    + "constraint: 'KMS key must not be specified when the encryption type is AES256'");
        }
        return type;
    }

    private static Map<String, String> tags(JsonNode tags) {
        Map<String, String> result = new LinkedHashMap<>();
        tags.forEach(tag -> result.put(Json.requiredText(tag, "Key"), tag.path("Value").asText("")));
        return result;
    }

    private ObjectNode repositoryResult(Repository repository) {
        ObjectNode output = Json.object();
        output.set("repository", repositoryShape(repository));
        return output;
    }

    private ObjectNode repositoryShape(Repository repository) {
        RepositoryState state = repository.snapshot(repositories.accountId(), registryHost);
        ObjectNode shape = Json.object();
        shape.put("repositoryArn", state.arn());
        shape.put("registryId", state.registryId());
        shape.put("repositoryName", state.name());
        shape.put("repositoryUri", state.uri());
        shape.put("createdAt", Json.epochSeconds(state.createdAt()));
        shape.put("imageTagMutability", state.mutability());
        putFilters(shape, state.mutabilityExclusions());
        shape.putObject("imageScanningConfiguration").put("scanOnPush", state.scanOnPush());
        ObjectNode encryption = shape.putObject("encryptionConfiguration").put("encryptionType", state.encryptionType());
        state.kmsKey().ifPresent(key -> encryption.put("kmsKey", key));
        return shape;
    }

    private ObjectNode identity(Repository repository) {
        ObjectNode output = Json.object();
        output.put("registryId", repositories.accountId());
        output.put("repositoryName", repository.name());
        return output;
    }

    private ObjectNode policyResult(Repository repository, String policy) {
        ObjectNode output = identity(repository);
        output.put("lifecyclePolicyText", policy);
        repository.lifecycleEvaluatedAt().ifPresent(at -> output.put("lastEvaluatedAt", Json.epochSeconds(at)));
        return output;
    }
}
