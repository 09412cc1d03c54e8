package io.ecrflow.testbed.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.EcrTestbed;
import io.ecrflow.testbed.aws.ControlPlaneCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryResponse;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.EncryptionType;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilter;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilterType;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/** The ECR control plane, driven by the real AWS SDK for Java v2. */
class EcrControlPlaneTest {

    private static final String POLICY = """
            {"rules":[{"rulePriority":1,"description":"keep 10","selection":{"tagStatus":"any",\
            "countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}""";

    @RegisterExtension
    static final EcrTestbed bed = EcrTestbed.standard();

    @Test
    void exclusionFiltersAreKeptDescribedAndDecidePerTag() {
        var latest = ImageTagMutabilityExclusionFilter.builder()
                .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter("latest").build();
        var minor = ImageTagMutabilityExclusionFilter.builder()
                .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter("6.*").build();
        Repository created = bed.ecr().createRepository(r -> r.repositoryName("team/excluded")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(latest, minor)).repository();

        assertThat(created.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION);
        assertThat(created.imageTagMutabilityExclusionFilters()).containsExactly(latest, minor);
        assertThat(bed.ecr().describeRepositories(r -> r.repositoryNames("team/excluded")).repositories())
                .containsExactly(created);
        RepositoryState state = bed.testbed().repository("team/excluded").orElseThrow();
        assertThat(state.immutable("net6-1.0.0")).isTrue();
        assertThat(state.immutable("latest")).isFalse();
        assertThat(state.immutable("6.0")).isFalse();

        bed.ecr().putImageTagMutability(r -> r.repositoryName("team/excluded")
                .imageTagMutability(ImageTagMutability.MUTABLE_WITH_EXCLUSION).imageTagMutabilityExclusionFilters(minor));
        RepositoryState changed = bed.testbed().repository("team/excluded").orElseThrow();
        assertThat(changed.immutable("6.1")).isTrue();
        assertThat(changed.immutable("net6-1.0.0")).isFalse();
    }

    @Test
    void exclusionFiltersAreCheckedAsEcrChecksThem() {
        var filter = ImageTagMutabilityExclusionFilter.builder()
                .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD);
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("team/no-filters")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("required");
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("team/plain-with-filters")
                .imageTagMutability(ImageTagMutability.IMMUTABLE)
                .imageTagMutabilityExclusionFilters(filter.filter("latest").build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("can only be given");
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("team/six-filters")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(java.util.stream.IntStream.range(0, 6)
                        .mapToObj(i -> filter.filter("t" + i).build()).toList())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("less than or equal to 5");
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("team/bad-filter")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(filter.filter("feature/*").build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("pattern");
        assertThat(bed.testbed().repository("team/no-filters")).isEmpty();
    }

    @Test
    void createdRepositoryCarriesItsSettingsAndIsDescribedAlike() {
        CreateRepositoryResponse created = bed.ecr().createRepository(r -> r.repositoryName("team/web")
                .imageTagMutability(ImageTagMutability.IMMUTABLE)
                .imageScanningConfiguration(s -> s.scanOnPush(true))
                .encryptionConfiguration(e -> e.encryptionType(EncryptionType.KMS).kmsKey("alias/ecrflow"))
                .tags(Tag.builder().key("team").value("platform").build()));

        Repository repository = created.repository();
        assertThat(repository.repositoryName()).isEqualTo("team/web");
        assertThat(repository.repositoryArn()).isEqualTo("arn:aws:ecr:us-east-1:123456789012:repository/team/web");
        assertThat(repository.registryId()).isEqualTo("123456789012");
        assertThat(repository.repositoryUri()).isEqualTo(bed.testbed().registryHost() + "/team/web");
        assertThat(repository.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE);
        assertThat(repository.imageScanningConfiguration().scanOnPush()).isTrue();
        assertThat(repository.encryptionConfiguration().encryptionType()).isEqualTo(EncryptionType.KMS);
        assertThat(repository.encryptionConfiguration().kmsKey()).isEqualTo("alias/ecrflow");
        assertThat(repository.createdAt()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));

        assertThat(bed.ecr().describeRepositories(r -> r.repositoryNames("team/web")).repositories())
                .containsExactly(repository);
        assertThat(bed.ecr().listTagsForResource(r -> r.resourceArn(repository.repositoryArn())).tags())
                .containsExactly(Tag.builder().key("team").value("platform").build());

        RepositoryState state = bed.testbed().repository("team/web").orElseThrow();
        assertThat(state.mutability()).isEqualTo("IMMUTABLE");
        assertThat(state.scanOnPush()).isTrue();
        assertThat(state.encryptionType()).isEqualTo("KMS");
        assertThat(state.kmsKey()).contains("alias/ecrflow");
        assertThat(state.tags()).containsEntry("team", "platform").hasSize(1);
    }

    @Test
    void describingAMissingRepositoryFailsWithRepositoryNotFound() {
        assertThatThrownBy(() -> bed.ecr().describeRepositories(r -> r.repositoryNames("nowhere/app")))
                .isInstanceOfSatisfying(RepositoryNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(
                            "The repository with name 'nowhere/app' does not exist in the registry with id '123456789012'");
                });
    }

    @Test
    void creatingAnExistingRepositoryFailsWithRepositoryAlreadyExists() {
        bed.ecr().createRepository(r -> r.repositoryName("twice"));

        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("twice")))
                .isInstanceOf(RepositoryAlreadyExistsException.class)
                .hasMessageContaining("The repository with name 'twice' already exists in the registry with id '123456789012'");
    }

    @Test
    void repositoryNamesMustFollowEcrsPattern() {
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("Team/Web")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Invalid parameter at 'repositoryName' failed to satisfy constraint");
        assertThatThrownBy(() -> bed.ecr().createRepository(r -> r.repositoryName("a")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("must have length greater than or equal to 2");
        assertThat(bed.testbed().repository("Team/Web")).isEmpty();
    }

    @Test
    void describingWithoutNamesListsEveryRepository() {
        bed.ecr().createRepository(r -> r.repositoryName("listed/one"));
        bed.ecr().createRepository(r -> r.repositoryName("listed/two"));

        assertThat(bed.ecr().describeRepositories().repositories())
                .extracting(Repository::repositoryName)
                .contains("listed/one", "listed/two");
    }

    @Test
    void lifecyclePolicyIsStoredAndReadBack() {
        bed.ecr().createRepository(r -> r.repositoryName("with-policy"));
        assertThatThrownBy(() -> bed.ecr().getLifecyclePolicy(r -> r.repositoryName("with-policy")))
                .isInstanceOf(LifecyclePolicyNotFoundException.class);

        bed.ecr().putLifecyclePolicy(r -> r.repositoryName("with-policy").lifecyclePolicyText(POLICY));

        assertThat(bed.ecr().getLifecyclePolicy(r -> r.repositoryName("with-policy")).lifecyclePolicyText()).isEqualTo(POLICY);
        assertThat(bed.testbed().repository("with-policy").orElseThrow().lifecyclePolicy()).contains(POLICY);
    }

    @Test
    void lifecyclePolicyWithoutRulesIsRejected() {
        bed.ecr().createRepository(r -> r.repositoryName("bad-policy"));

        assertThatThrownBy(() -> bed.ecr().putLifecyclePolicy(r -> r.repositoryName("bad-policy").lifecyclePolicyText("{\"rule\":[]}")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Lifecycle policy validation failure");
        assertThatThrownBy(() -> bed.ecr().putLifecyclePolicy(r -> r.repositoryName("bad-policy").lifecyclePolicyText("not json")))
                .isInstanceOf(InvalidParameterException.class);
        assertThat(bed.testbed().repository("bad-policy").orElseThrow().lifecyclePolicy()).isEmpty();
    }

    @Test
    void settingsAndTagsCanBeChangedLater() {
        String arn = bed.ecr().createRepository(r -> r.repositoryName("changing")).repository().repositoryArn();

        bed.ecr().putImageTagMutability(r -> r.repositoryName("changing").imageTagMutability(ImageTagMutability.IMMUTABLE));
        bed.ecr().putImageScanningConfiguration(r -> r.repositoryName("changing").imageScanningConfiguration(s -> s.scanOnPush(true)));
        bed.ecr().tagResource(r -> r.resourceArn(arn).tags(Tag.builder().key("owner").value("ci").build(),
                Tag.builder().key("tmp").value("x").build()));
        bed.ecr().untagResource(r -> r.resourceArn(arn).tagKeys("tmp"));

        RepositoryState state = bed.testbed().repository("changing").orElseThrow();
        assertThat(state.immutable()).isTrue();
        assertThat(state.scanOnPush()).isTrue();
        assertThat(state.tags()).containsExactlyEntriesOf(java.util.Map.of("owner", "ci"));
    }

    @Test
    void deletingARepositoryForgetsIt() {
        bed.ecr().createRepository(r -> r.repositoryName("short-lived"));

        bed.ecr().deleteRepository(r -> r.repositoryName("short-lived"));

        assertThat(bed.testbed().repository("short-lived")).isEmpty();
        assertThatThrownBy(() -> bed.ecr().deleteRepository(r -> r.repositoryName("short-lived")))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void authorizationTokenIsAwsUserWithAPasswordValidForTwelveHours() {
        AuthorizationData data = bed.ecr().getAuthorizationToken().authorizationData().get(0);

        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        assertThat(decoded).startsWith("AWS:").hasSizeGreaterThan(20);
        assertThat(bed.testbed().issuedRegistryPasswords()).last().isEqualTo(decoded.substring("AWS:".length()));
        assertThat(data.proxyEndpoint()).isEqualTo("https://" + bed.testbed().registryHost());
        assertThat(Duration.between(Instant.now(), data.expiresAt()))
                .isBetween(Duration.ofHours(12).minusMinutes(1), Duration.ofHours(12));
    }

    @Test
    void unknownAccessKeyIsAnUnrecognizedClient() {
        try (EcrClient stranger = AwsClients.ecr(bed.testbed(), "AKIAUNKNOWNKEY000000", AwsClients.SECRET)) {
            assertThat(refusalMessage(stranger::describeRepositories, "UnrecognizedClientException", 400))
                    .isEqualTo("The security token included in the request is invalid.");
        }
    }

    @Test
    void wrongSecretIsAnInvalidSignature() {
        try (EcrClient wrong = AwsClients.ecr(bed.testbed(), AwsClients.KEY_ID, "not-the-secret")) {
            assertThat(refusalMessage(wrong::getAuthorizationToken, "InvalidSignatureException", 403))
                    .startsWith("The request signature we calculated does not match the signature you provided.");
        }
    }

    @Test
    void temporaryCredentialsNeedTheirSessionToken() {
        bed.testbed().addCredentials("ASIATEMPORARYKEY0001", "temporary-secret", "session-token-1");

        try (EcrClient withToken = AwsClients.ecr(bed.testbed(), "ASIATEMPORARYKEY0001", "temporary-secret", "session-token-1");
                EcrClient wrongToken = AwsClients.ecr(bed.testbed(), "ASIATEMPORARYKEY0001", "temporary-secret", "other");
                EcrClient noToken = AwsClients.ecr(bed.testbed(), "ASIATEMPORARYKEY0001", "temporary-secret")) {
            assertThat(withToken.describeRepositories().repositories()).isNotNull();
            assertThatThrownBy(wrongToken::describeRepositories)
                    .isInstanceOfSatisfying(EcrException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
            assertThatThrownBy(noToken::describeRepositories)
                    .isInstanceOfSatisfying(EcrException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
    }

    @Test
    void everyCallIsRecordedWithKeyRegionAndOutcome() {
        try (EcrClient inFrankfurt = AwsClients.ecr(bed.testbed(),
                AwsBasicCredentials.create(AwsClients.KEY_ID, AwsClients.SECRET), Region.EU_CENTRAL_1)) {
            inFrankfurt.createRepository(r -> r.repositoryName("recorded"));
            assertThatThrownBy(() -> inFrankfurt.createRepository(r -> r.repositoryName("recorded")))
                    .isInstanceOf(RepositoryAlreadyExistsException.class);
        }

        assertThat(bed.testbed().calls())
                .filteredOn(call -> call.region().equals(java.util.Optional.of("eu-central-1")))
                .extracting(ControlPlaneCall::operation, ControlPlaneCall::accessKeyId, ControlPlaneCall::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CreateRepository", java.util.Optional.of(AwsClients.KEY_ID),
                                java.util.Optional.empty()),
                        org.assertj.core.groups.Tuple.tuple("CreateRepository", java.util.Optional.of(AwsClients.KEY_ID),
                                java.util.Optional.of("RepositoryAlreadyExistsException")));
        assertThat(bed.testbed().repository("recorded").orElseThrow().arn())
                .isEqualTo("arn:aws:ecr:eu-central-1:123456789012:repository/recorded");
    }

    /** The message of the AWS error {@code call} is refused with, once its code and HTTP status are as expected. */
    private static String refusalMessage(ThrowableAssert.ThrowingCallable call, String code, int status) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOfSatisfying(EcrException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
        });
        return ((EcrException) thrown).awsErrorDetails().errorMessage();
    }
}
