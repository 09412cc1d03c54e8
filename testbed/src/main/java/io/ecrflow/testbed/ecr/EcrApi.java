package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.registry.DistributionRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * ECR's control plane in the JSON 1.1 protocol: the operation comes from
 * {@code X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>}, shapes follow the
 * ECR API reference.
 */
public final class EcrApi {

    static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";

    /** One operation: request members in, response members out, or an {@link AwsError}. */
    @FunctionalInterface
    public interface Operation {
        ObjectNode handle(JsonNode input, String region);
    }

    private final Map<String, Operation> operations;
    private final RegistryPasswords passwords;
    private final String registryUrl;
    private final ImageScans scans;

    EcrApi(Repositories repositories, DistributionRegistry registry, RegistryPasswords passwords, String registryHost,
            AccountSettings settings) {
        this.passwords = passwords;
        this.registryUrl = "https://" + registryHost;
        RepositoryOperations repos = new RepositoryOperations(repositories, registry, registryHost);
        ImageOperations images = new ImageOperations(repositories, registry, repos);
        this.scans = new ImageScans(images);
        this.operations = Map.ofEntries(
                Map.entry("PutAccountSetting", settings::put),
                Map.entry("GetAccountSetting", settings::get),
                Map.entry("CreateRepository", repos::create),
                Map.entry("DescribeRepositories", repos::describe),
                Map.entry("DeleteRepository", repos::delete),
                Map.entry("PutLifecyclePolicy", repos::putLifecyclePolicy),
                Map.entry("GetLifecyclePolicy", repos::getLifecyclePolicy),
                Map.entry("DeleteLifecyclePolicy", repos::deleteLifecyclePolicy),
                Map.entry("ListTagsForResource", repos::listTagsForResource),
                Map.entry("TagResource", repos::tagResource),
                Map.entry("UntagResource", repos::untagResource),
                Map.entry("PutImageTagMutability", repos::putImageTagMutability),
                Map.entry("PutImageScanningConfiguration", repos::putImageScanningConfiguration),
                Map.entry("DescribeImages", images::describeImages),
                Map.entry("BatchGetImage", images::batchGetImage),
                Map.entry("PutImage", images::putImage),
                Map.entry("StartImageScan", scans::start),
                Map.entry("DescribeImageScanFindings", scans::describe),
                Map.entry("GetRegistryScanningConfiguration", scans::registryScanningConfiguration));
    }

    public ImageScans scans() {
        return scans;
    }

    /**
     * The operation an {@code X-Amz-Target} value names, if this server knows it, for the caller with this access key
     * (a registry password acts for the caller it was issued to).
     */
    public Optional<Operation> operation(String target, String callerAccessKeyId) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return Optional.empty();
        }
        String name = target.substring(TARGET_PREFIX.length());
        if (name.equals("GetAuthorizationToken")) {
            return Optional.of((input, region) -> getAuthorizationToken(callerAccessKeyId));
        }
        return Optional.ofNullable(operations.get(name));
    }

    public static String operationName(String target) {
        if (target == null) {
            return "";
        }
        return target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : target;
    }

    /** A fresh password for user {@code AWS}, Base64 as {@code AWS:<password>} like ECR's token. */
    private ObjectNode getAuthorizationToken(String callerAccessKeyId) {
        RegistryPasswords.Issued issued = passwords.issue(callerAccessKeyId);
        String token = Base64.getEncoder()
                .encodeToString(("AWS:" + issued.password()).getBytes(StandardCharsets.UTF_8));
        ObjectNode output = Json.object();
        output.putArray("authorizationData").addObject()
                .put("authorizationToken", token)
                .put("expiresAt", Json.epochSeconds(issued.expiresAt()))
                .put("proxyEndpoint", registryUrl);
        return output;
    }
}
