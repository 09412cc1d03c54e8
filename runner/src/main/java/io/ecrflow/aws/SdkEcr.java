package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ecr.model.EncryptionConfiguration;
import software.amazon.awssdk.services.ecr.model.EncryptionType;
import software.amazon.awssdk.services.ecr.model.EnhancedImageScanFinding;
import software.amazon.awssdk.services.ecr.model.GetRegistryScanningConfigurationResponse;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageScanFinding;
import software.amazon.awssdk.services.ecr.model.ImageScanFindings;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilter;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilterType;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.LimitExceededException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import software.amazon.awssdk.services.ecr.model.ScanType;
import software.amazon.awssdk.services.ecr.model.StartImageScanRequest;
import software.amazon.awssdk.services.ecr.model.UnsupportedImageTypeException;
import software.amazon.awssdk.services.ecr.model.ValidationException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Ecr} through the AWS SDK for Java v2. */
public final class SdkEcr implements Ecr {
    private final EcrClient client;
    private final Optional<String> registryId;
    private final AutoCloseable credentials;

    public SdkEcr(EcrClient client, Optional<String> registryId) {
        this(client, registryId, () -> { });
    }

    /** {@code credentials} are closed with the client: they may hold STS clients of their own. */
    public SdkEcr(EcrClient client, Optional<String> registryId, AutoCloseable credentials) {
        this.client = client;
        this.registryId = registryId;
        this.credentials = credentials;
    }

    @Override
    public RegistryCredential login() {
        AuthorizationData data;
        try {
            var request = software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest.builder();
            registryId.ifPresent(id -> request.registryIds(List.of(id)));
            data = client.getAuthorizationToken(request.build()).authorizationData().stream().findFirst()
                    .orElseThrow(() -> new UserError("ECR returned no authorization data; check the registry id."));
        } catch (SdkException e) {
            throw AwsErrors.explain("get an ECR login token (ecr:GetAuthorizationToken)", e);
        }
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new UserError("ECR returned an authorization token in an unexpected form.");
        }
        return new RegistryCredential(registryHost(data.proxyEndpoint()), decoded.substring(0, colon),
                Secret.of(decoded.substring(colon + 1)), data.expiresAt());
    }

    /**
     * The proxy endpoint is a URL ({@code https://123456789012.dkr.ecr.eu-west-1.amazonaws.com}); images name its
     * authority, whatever its domain. Its scheme is always HTTPS, the scheme the registry client and the Docker
     * Engine use for the host, so one that is not is refused rather than quietly reached over HTTPS.
     */
    static String registryHost(String proxyEndpoint) {
        URI uri = URI.create(proxyEndpoint.contains("://") ? proxyEndpoint : "https://" + proxyEndpoint);
        if (uri.getAuthority() == null) {
            throw new UserError("ECR returned a proxy endpoint that is not a URL: " + proxyEndpoint);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new UserError("ECR returned the proxy endpoint " + proxyEndpoint + ", which is not HTTPS; ecrflow "
                    + "reaches ECR registries over HTTPS only. Check the ECR endpoint in use (--endpoint, "
                    + "AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL).", "endpoint");
        }
        return uri.getAuthority();
    }

    @Override
    public Optional<RepositoryInfo> describe(RepositoryName name) {
        try {
            var request = software.amazon.awssdk.services.ecr.model.DescribeRepositoriesRequest.builder()
                    .repositoryNames(name.value());
            registryId.ifPresent(request::registryId);
            return client.describeRepositories(request.build()).repositories().stream().findFirst().map(SdkEcr::info);
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.explain("describe repository '" + name + "' (ecr:DescribeRepositories)", e);
        }
    }

    @Override
    public RepositoryInfo create(RepositorySettings settings) {
        var encryption = EncryptionConfiguration.builder()
                .encryptionType(settings.encryption() == RepositorySettings.Encryption.KMS ? EncryptionType.KMS : EncryptionType.AES256);
        settings.kmsKey().ifPresent(encryption::kmsKey);
        var request = CreateRepositoryRequest.builder()
                .repositoryName(settings.name().value())
                .imageTagMutability(ImageTagMutability.fromValue(settings.mutability().mode().name()))
                .imageScanningConfiguration(c -> c.scanOnPush(settings.scanOnPush()))
                .encryptionConfiguration(encryption.build());
        if (!settings.mutability().exclusions().isEmpty()) {
            request.imageTagMutabilityExclusionFilters(settings.mutability().exclusions().stream()
                    .map(filter -> ImageTagMutabilityExclusionFilter.builder()
                            .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter(filter).build())
                    .toList());
        }
        registryId.ifPresent(request::registryId);
        if (!settings.resourceTags().isEmpty()) {
            request.tags(settings.resourceTags().entrySet().stream()
                    .map(t -> software.amazon.awssdk.services.ecr.model.Tag.builder().key(t.getKey()).value(t.getValue()).build())
                    .toList());
        }
        try {
            return info(client.createRepository(request.build()).repository());
        } catch (RepositoryAlreadyExistsException e) {
            throw new RepositoryAlreadyExists(e.getMessage());
        } catch (SdkException e) {
            throw AwsErrors.explain("create repository '" + settings.name() + "' (ecr:CreateRepository)", e);
        }
    }

    @Override
    public void putLifecyclePolicy(RepositoryName name, String policyText) {
        try {
            var request = software.amazon.awssdk.services.ecr.model.PutLifecyclePolicyRequest.builder()
                    .repositoryName(name.value()).lifecyclePolicyText(policyText);
            registryId.ifPresent(request::registryId);
            client.putLifecyclePolicy(request.build());
        } catch (SdkException e) {
            throw AwsErrors.explain("set the lifecycle policy of '" + name + "' (ecr:PutLifecyclePolicy)", e);
        }
    }

    @Override
    public Optional<String> lifecyclePolicy(RepositoryName name) {
        try {
            var request = software.amazon.awssdk.services.ecr.model.GetLifecyclePolicyRequest.builder()
                    .repositoryName(name.value());
            registryId.ifPresent(request::registryId);
            return Optional.ofNullable(client.getLifecyclePolicy(request.build()).lifecyclePolicyText());
        } catch (LifecyclePolicyNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.explain("read the lifecycle policy of '" + name + "' (ecr:GetLifecyclePolicy)", e);
        }
    }

    @Override
    public Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags) {
        Map<Tag, Digest> found = new LinkedHashMap<>();
        // DescribeImages fails the whole call when one id is missing, so ask tag by tag.
        for (Tag tag : tags) {
            try {
                var request = DescribeImagesRequest.builder().repositoryName(name.value())
                        .imageIds(ImageIdentifier.builder().imageTag(tag.value()).build());
                registryId.ifPresent(request::registryId);
                List<ImageDetail> details = new ArrayList<>(client.describeImages(request.build()).imageDetails());
                details.stream().findFirst().ifPresent(d -> found.put(tag, Digest.parse(d.imageDigest())));
            } catch (ImageNotFoundException | RepositoryNotFoundException e) {
                // not there: nothing to record
            } catch (SdkException e) {
                throw AwsErrors.explain("look up tag '" + tag + "' in '" + name + "' (ecr:DescribeImages)", e);
            }
        }
        return found;
    }

    @Override
    public ScanReport scanFindings(RepositoryName name, Digest digest) {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        List<ScanReport.Finding> findings = new ArrayList<>();
        String token = null;
        java.time.Instant completedAt = null;
        do {
            var request = DescribeImageScanFindingsRequest.builder().repositoryName(name.value())
                    .imageId(ImageIdentifier.builder().imageDigest(digest.toString()).build()).maxResults(1000).nextToken(token);
            registryId.ifPresent(request::registryId);
            DescribeImageScanFindingsResponse page;
            try {
                page = client.describeImageScanFindings(request.build());
            } catch (ScanNotFoundException e) {
                return ScanReport.pending(ScanReport.State.NOT_SCANNED, "no scan");
            } catch (SdkException e) {
                throw AwsErrors.explain("read the scan findings of " + name + "@" + digest
                        + " (ecr:DescribeImageScanFindings)", e);
            }
            String status = page.imageScanStatus() == null ? "" : page.imageScanStatus().statusAsString();
            String description = page.imageScanStatus() == null || page.imageScanStatus().description() == null
                    ? status : page.imageScanStatus().description();
            ScanReport.State state = switch (status == null ? "" : status) {
                case "COMPLETE", "ACTIVE" -> ScanReport.State.COMPLETE;
                case "PENDING", "IN_PROGRESS" -> ScanReport.State.IN_PROGRESS;
                case "UNSUPPORTED_IMAGE" -> ScanReport.State.UNSUPPORTED;
                default -> ScanReport.State.FAILED;
            };
            if (state != ScanReport.State.COMPLETE) {
                return ScanReport.pending(state, description);
            }
            ImageScanFindings found = page.imageScanFindings();
            if (found != null) {
                if (token == null) {
                    completedAt = found.imageScanCompletedAt();
                    found.findingSeverityCountsAsStrings().forEach((severity, count) ->
                            Severity.of(severity).ifPresent(s -> counts.merge(s, count, Integer::sum)));
                }
                found.findings().forEach(f -> findings.add(basic(f)));
                found.enhancedFindings().forEach(f -> findings.add(enhanced(f)));
            }
            token = page.nextToken();
        } while (token != null);
        return new ScanReport(ScanReport.State.COMPLETE, "complete", counts, findings, Optional.ofNullable(completedAt));
    }

    /**
     * The configuration is the caller's own registry's: another account's ({@code registryId}) cannot be read, and
     * neither can any without ecr:GetRegistryScanningConfiguration; both are UNKNOWN rather than an error, since the
     * gate can do without.
     */
    @Override
    public RegistryScanning registryScanning(RepositoryName name) {
        GetRegistryScanningConfigurationResponse answer;
        try {
            answer = client.getRegistryScanningConfiguration(r -> { });
        } catch (SdkException e) {
            return RegistryScanning.UNKNOWN;
        }
        if (registryId.isPresent() && !registryId.get().equals(answer.registryId())) {
            return RegistryScanning.UNKNOWN;
        }
        var scanning = answer.scanningConfiguration();
        if (scanning == null || scanning.scanType() != ScanType.ENHANCED) {
            return RegistryScanning.BASIC;
        }
        boolean covered = scanning.rules().stream().flatMap(rule -> rule.repositoryFilters().stream())
                .anyMatch(filter -> WildcardFilter.matches(filter.filter(), name.value()));
        return covered ? RegistryScanning.ENHANCED : RegistryScanning.BASIC;
    }

    @Override
    public ScanStart startImageScan(RepositoryName name, Digest digest) {
        var request = StartImageScanRequest.builder().repositoryName(name.value())
                .imageId(ImageIdentifier.builder().imageDigest(digest.toString()).build());
        registryId.ifPresent(request::registryId);
        try {
            client.startImageScan(request.build());
            return ScanStart.STARTED;
        } catch (LimitExceededException e) {
            // "A basic image scan can only be started once per 24 hours on an individual image" (StartImageScan)
            return ScanStart.STARTED_EARLIER;
        } catch (ValidationException e) {
            // a registry whose scan type is ENHANCED refuses manual scans: Amazon Inspector scans by itself
            return ScanStart.ENHANCED_SCANNING;
        } catch (UnsupportedImageTypeException e) {
            return ScanStart.UNSUPPORTED;
        } catch (SdkException e) {
            throw AwsErrors.explain("start a scan of " + name + "@" + digest + " (ecr:StartImageScan)", e);
        }
    }

    /** Basic scanning names the package in the finding's attributes; it reports no fixed version. */
    private static ScanReport.Finding basic(ImageScanFinding finding) {
        Map<String, String> attributes = new LinkedHashMap<>();
        finding.attributes().forEach(a -> attributes.put(a.key(), a.value()));
        String version = attributes.getOrDefault("package_version", "");
        return new ScanReport.Finding(finding.name(), Severity.of(finding.severityAsString()).orElse(Severity.UNDEFINED),
                attributes.getOrDefault("package_name", "?") + (version.isEmpty() ? "" : " " + version), "");
    }

    /** Enhanced scanning (Amazon Inspector) names each vulnerable package and the version that fixes it. */
    private static ScanReport.Finding enhanced(EnhancedImageScanFinding finding) {
        var details = finding.packageVulnerabilityDetails();
        String id = details != null && details.vulnerabilityId() != null ? details.vulnerabilityId() : finding.title();
        var packages = details == null ? List.<software.amazon.awssdk.services.ecr.model.VulnerablePackage>of()
                : details.vulnerablePackages();
        String pkg = packages.stream().map(p -> p.name() + (p.version() == null ? "" : " " + p.version()))
                .collect(java.util.stream.Collectors.joining(", "));
        String fixed = packages.stream().map(p -> p.fixedInVersion()).filter(v -> v != null && !v.isBlank()
                && !v.equals("NotAvailable")).collect(java.util.stream.Collectors.joining(", "));
        return new ScanReport.Finding(id, Severity.of(finding.severity()).orElse(Severity.UNDEFINED),
                pkg.isEmpty() ? "?" : pkg, fixed);
    }

    private static RepositoryInfo info(Repository r) {
        return new RepositoryInfo(new RepositoryName(r.repositoryName()), r.repositoryUri(), r.repositoryArn(),
                r.registryId(), mutability(r), Optional.of(new RepositoryInfo.PrivateSettings(
                        r.imageScanningConfiguration() != null && Boolean.TRUE.equals(r.imageScanningConfiguration().scanOnPush()),
                        r.encryptionConfiguration() == null ? "AES256" : r.encryptionConfiguration().encryptionTypeAsString(),
                        Optional.ofNullable(r.encryptionConfiguration()).map(EncryptionConfiguration::kmsKey)
                                .filter(key -> !key.isBlank()))));
    }

    /** A mode this SDK does not know yet reads as immutable: then no tag is taken to move when it cannot. */
    private static TagMutability mutability(Repository r) {
        List<String> filters = r.imageTagMutabilityExclusionFilters().stream()
                .map(ImageTagMutabilityExclusionFilter::filter).toList();
        return switch (r.imageTagMutability() == null ? ImageTagMutability.MUTABLE : r.imageTagMutability()) {
            case MUTABLE -> TagMutability.MUTABLE;
            case MUTABLE_WITH_EXCLUSION -> new TagMutability(TagMutability.Mode.MUTABLE_WITH_EXCLUSION, filters);
            case IMMUTABLE_WITH_EXCLUSION -> new TagMutability(TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION, filters);
            default -> TagMutability.IMMUTABLE;
        };
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
