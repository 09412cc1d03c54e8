package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecrpublic.EcrPublicClient;
import software.amazon.awssdk.services.ecrpublic.model.AuthorizationData;
import software.amazon.awssdk.services.ecrpublic.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecrpublic.model.Registry;
import software.amazon.awssdk.services.ecrpublic.model.RegistryAlias;
import software.amazon.awssdk.services.ecrpublic.model.RegistryAliasStatus;
import software.amazon.awssdk.services.ecrpublic.model.Repository;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryCatalogDataInput;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryNotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Ecr} for ECR Public through the AWS SDK: the registry is {@code public.ecr.aws/<alias>} (the host
 * as DescribeRegistries reports it), the alias the user's or the registry's primary one. Its API lives in
 * us-east-1 only. Repositories there have no tag immutability, scanning, encryption or lifecycle settings.
 */
public final class SdkEcrPublic implements Ecr {
    /** Where ECR Public images live when the registry does not say otherwise. */
    static final String PUBLIC_HOST = "public.ecr.aws";

    private final EcrPublicClient client;
    private final Optional<String> configuredAlias;
    private final AutoCloseable credentials;
    private String namespace;

    public SdkEcrPublic(EcrPublicClient client, Optional<String> alias, AutoCloseable credentials) {
        this.client = client;
        this.configuredAlias = alias;
        this.credentials = credentials;
    }

    @Override
    public RegistryCredential login() {
        String registry = namespace();
        AuthorizationData data;
        try {
            data = client.getAuthorizationToken(r -> { }).authorizationData();
        } catch (SdkException e) {
            throw AwsErrors.explain("get an ECR Public login token (ecr-public:GetAuthorizationToken and "
                    + "sts:GetServiceBearerToken)", e);
        }
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new UserError("ECR Public returned an authorization token in an unexpected form.");
        }
        return new RegistryCredential(registry, decoded.substring(0, colon), Secret.of(decoded.substring(colon + 1)),
                data.expiresAt());
    }

    /**
     * {@code <host>/<alias>}: what every image name in this registry starts with. The host comes from the
     * registry's own URI; the alias is the configured one, else the registry's primary (or default) alias.
     */
    synchronized String namespace() {
        if (namespace == null) {
            Optional<Registry> registry = ownRegistry();
            String host = registry.map(Registry::registryUri).map(SdkEcrPublic::hostOf).orElse(PUBLIC_HOST);
            String alias = configuredAlias.orElseGet(() -> registry.flatMap(SdkEcrPublic::primaryAlias).orElseThrow(() ->
                    new UserError("The ECR Public registry of this account has no active alias yet. Create a public "
                            + "repository in the console once, or give the alias with registryAlias.", "registryAlias")));
            namespace = host + "/" + alias;
        }
        return namespace;
    }

    private Optional<Registry> ownRegistry() {
        try {
            return client.describeRegistries(r -> { }).registries().stream().findFirst();
        } catch (SdkException e) {
            if (configuredAlias.isPresent()) {
                // The alias is known; without ecr-public:DescribeRegistries the host is the public one.
                return Optional.empty();
            }
            throw AwsErrors.explain("find the ECR Public registry alias (ecr-public:DescribeRegistries); or give it "
                    + "with registryAlias", e);
        }
    }

    private static Optional<String> primaryAlias(Registry registry) {
        return registry.aliases().stream()
                .filter(a -> a.status() == RegistryAliasStatus.ACTIVE)
                .min(Comparator.comparing((RegistryAlias a) -> !Boolean.TRUE.equals(a.primaryRegistryAlias()))
                        .thenComparing(a -> !Boolean.TRUE.equals(a.defaultRegistryAlias())))
                .map(RegistryAlias::name);
    }

    /** {@code public.ecr.aws/a1b2c3d4} → {@code public.ecr.aws}. */
    static String hostOf(String registryUri) {
        String withoutScheme = registryUri.replaceFirst("^[a-z]+://", "");
        int slash = withoutScheme.indexOf('/');
        return slash < 0 ? withoutScheme : withoutScheme.substring(0, slash);
    }

    @Override
    public Optional<RepositoryInfo> describe(RepositoryName name) {
        try {
            return client.describeRepositories(r -> r.repositoryNames(name.value())).repositories().stream().findFirst()
                    .map(SdkEcrPublic::info);
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.explain("describe public repository '" + name + "' (ecr-public:DescribeRepositories)", e);
        }
    }

    @Override
    public RepositoryInfo create(RepositorySettings settings) {
        var request = software.amazon.awssdk.services.ecrpublic.model.CreateRepositoryRequest.builder()
                .repositoryName(settings.name().value());
        settings.catalog().map(SdkEcrPublic::catalogInput).ifPresent(request::catalogData);
        if (!settings.resourceTags().isEmpty()) {
            request.tags(settings.resourceTags().entrySet().stream()
                    .map(t -> software.amazon.awssdk.services.ecrpublic.model.Tag.builder().key(t.getKey()).value(t.getValue()).build())
                    .toList());
        }
        try {
            return info(client.createRepository(request.build()).repository());
        } catch (RepositoryAlreadyExistsException e) {
            throw new RepositoryAlreadyExists(e.getMessage());
        } catch (SdkException e) {
            throw AwsErrors.explain("create public repository '" + settings.name() + "' (ecr-public:CreateRepository)", e);
        }
    }

    @Override
    public void putCatalogData(RepositoryName name, PublicCatalog catalog) {
        try {
            client.putRepositoryCatalogData(r -> r.repositoryName(name.value()).catalogData(catalogInput(catalog)));
        } catch (SdkException e) {
            throw AwsErrors.explain("update the catalog data of '" + name + "' (ecr-public:PutRepositoryCatalogData)", e);
        }
    }

    @Override
    public void putLifecyclePolicy(RepositoryName name, String policyText) {
        throw new UserError("ECR Public repositories have no lifecycle policies; remove lifecyclePolicy.", "lifecyclePolicy");
    }

    @Override
    public Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags) {
        Map<Tag, Digest> found = new LinkedHashMap<>();
        for (Tag tag : tags) {
            try {
                client.describeImages(r -> r.repositoryName(name.value()).imageIds(i -> i.imageTag(tag.value())))
                        .imageDetails().stream().findFirst()
                        .ifPresent(d -> found.put(tag, Digest.parse(d.imageDigest())));
            } catch (ImageNotFoundException | RepositoryNotFoundException e) {
                // not there: nothing to record
            } catch (SdkException e) {
                throw AwsErrors.explain("look up tag '" + tag + "' in '" + name + "' (ecr-public:DescribeImages)", e);
            }
        }
        return found;
    }

    private static RepositoryCatalogDataInput catalogInput(PublicCatalog catalog) {
        var input = RepositoryCatalogDataInput.builder();
        catalog.description().ifPresent(input::description);
        catalog.aboutText().ifPresent(input::aboutText);
        catalog.usageText().ifPresent(input::usageText);
        if (!catalog.operatingSystems().isEmpty()) {
            input.operatingSystems(catalog.operatingSystems());
        }
        if (!catalog.architectures().isEmpty()) {
            input.architectures(catalog.architectures());
        }
        return input.build();
    }

    /** ECR Public tags always move: a public repository is never immutable. */
    private static RepositoryInfo info(Repository r) {
        return new RepositoryInfo(new RepositoryName(r.repositoryName()), r.repositoryUri(), r.repositoryArn(),
                r.registryId(), TagMutability.MUTABLE, Optional.empty());
    }

    @Override
    public void close() {
        client.close();
        try {
            credentials.close();
        } catch (Exception ignored) {
            // the run is over; nothing to do about it
        }
    }
}
