package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECR Public's control plane in the JSON 1.1 protocol ({@code X-Amz-Target:
 * SpencerFrontendService.<Operation>}), for the operations a pipeline uses: log in, find the
 * registry's alias, describe and create repositories, and read and write their catalog data.
 */
public final class EcrPublicApi {

    static final String TARGET_PREFIX = "SpencerFrontendService.";

    private final PublicRegistry registry;
    private final RegistryPasswords passwords;
    private final Map<String, EcrApi.Operation> operations;

    public EcrPublicApi(PublicRegistry registry, RegistryPasswords passwords) {
        this.registry = registry;
        this.passwords = passwords;
        this.operations = Map.of(
                "GetAuthorizationToken", this::getAuthorizationToken,
                "DescribeRegistries", this::describeRegistries,
                "DescribeRepositories", this::describeRepositories,
                "CreateRepository", this::createRepository,
                "PutRepositoryCatalogData", this::putRepositoryCatalogData,
                "GetRepositoryCatalogData", this::getRepositoryCatalogData);
    }

    public static boolean isTarget(String target) {
        return target != null && target.startsWith(TARGET_PREFIX);
    }

    public Optional<EcrApi.Operation> operation(String target) {
        return isTarget(target) ? Optional.ofNullable(operations.get(operationName(target))) : Optional.empty();
    }

    public static String operationName(String target) {
        return target.substring(TARGET_PREFIX.length());
    }

    /** ECR Public's token has no proxy endpoint: the registry is always the public one. */
    private ObjectNode getAuthorizationToken(JsonNode input, String region) {
        RegistryPasswords.Issued issued = passwords.issue();
        ObjectNode output = Json.object();
        output.putObject("authorizationData")
                .put("authorizationToken", Base64.getEncoder()
                        .encodeToString(("AWS:" + issued.password()).getBytes(StandardCharsets.UTF_8)))
                .put("expiresAt", Json.epochSeconds(issued.expiresAt()));
        return output;
    }

    private ObjectNode describeRegistries(JsonNode input, String region) {
        ObjectNode output = Json.object();
        ObjectNode shape = output.putArray("registries").addObject()
                .put("registryId", registry.accountId())
                .put("registryArn", registry.arn())
                .put("registryUri", registry.registryUri())
                .put("verified", false);
        shape.putArray("aliases").addObject()
                .put("name", registry.alias())
                .put("status", "ACTIVE")
                .put("primaryRegistryAlias", true)
                .put("defaultRegistryAlias", true);
        return output;
    }

    private ObjectNode describeRepositories(JsonNode input, String region) {
        Optional<String> registryId = Json.text(input, "registryId");
        List<Repository> found = new ArrayList<>();
        JsonNode names = input.path("repositoryNames");
        if (names.isArray() && !names.isEmpty()) {
            for (JsonNode name : names) {
                found.add(repository(name.asText(), registryId));
            }
        } else if (registryId.isEmpty() || registryId.get().equals(registry.accountId())) {
            found.addAll(registry.repositories().all());
        }
        ObjectNode output = Json.object();
        ArrayNode list = output.putArray("repositories");
        found.forEach(repository -> list.add(repositoryShape(repository)));
        return output;
    }

    private ObjectNode createRepository(JsonNode input, String region) {
        String name = Json.requiredText(input, "repositoryName");
        PublicCatalogData catalog = input.path("catalogData").isObject()
                ? PublicCatalogData.fromInput(input.path("catalogData"))
                : PublicCatalogData.empty();
        Map<String, String> tags = new LinkedHashMap<>();
        input.path("tags").forEach(tag -> tags.put(Json.requiredText(tag, "Key"), tag.path("Value").asText("")));
        Repository repository = registry.repositories().create(name, "us-east-1",
                RepositorySettings.defaults().withTags(tags));
        registry.putCatalogData(name, catalog);
        ObjectNode output = Json.object();
        output.set("repository", repositoryShape(repository));
        output.set("catalogData", catalog.toJson());
        return output;
    }

    private ObjectNode putRepositoryCatalogData(JsonNode input, String region) {
        Repository repository = repository(Json.requiredText(input, "repositoryName"), Json.text(input, "registryId"));
        if (!input.path("catalogData").isObject()) {
            throw AwsError.invalidParameter("Invalid parameter at 'catalogData' failed to satisfy constraint: 'must not be null'");
        }
        PublicCatalogData catalog = PublicCatalogData.fromInput(input.path("catalogData"));
        registry.putCatalogData(repository.name(), catalog);
        ObjectNode output = Json.object();
        output.set("catalogData", catalog.toJson());
        return output;
    }

    private ObjectNode getRepositoryCatalogData(JsonNode input, String region) {
        Repository repository = repository(Json.requiredText(input, "repositoryName"), Json.text(input, "registryId"));
        ObjectNode output = Json.object();
        output.set("catalogData", registry.catalogData(repository.name()).toJson());
        return output;
    }

    private Repository repository(String name, Optional<String> registryId) {
        if (registryId.isPresent() && !registryId.get().equals(registry.accountId())) {
            throw AwsError.repositoryNotFound(name, registryId.get());
        }
        return registry.repositories().get(name);
    }

    private ObjectNode repositoryShape(Repository repository) {
        ObjectNode shape = Json.object();
        shape.put("repositoryArn", registry.repositoryArn(repository.name()));
        shape.put("registryId", registry.accountId());
        shape.put("repositoryName", repository.name());
        shape.put("repositoryUri", registry.repositoryUri(repository.name()));
        shape.put("createdAt", Json.epochSeconds(repository.createdAt()));
        return shape;
    }
}
