package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryEnsurerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PlainPipeline pipeline = new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    private final RepositoryName name = new RepositoryName("team/web");

    /** An ECR whose repository appears between describe and create, as when two runs race. */
    private static final class RacingEcr implements Ecr {
        final List<String> calls = new ArrayList<>();
        RepositoryInfo winner;
        String policy;
        boolean races = true;

        @Override
        public RegistryCredential login() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RepositoryInfo> describe(RepositoryName name) {
            calls.add("describe");
            return Optional.ofNullable(winner);
        }

        @Override
        public RepositoryInfo create(RepositorySettings settings) {
            calls.add("create");
            winner = new RepositoryInfo(settings.name(), "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web",
                    "arn:aws:ecr:eu-west-1:123456789012:repository/team/web", "123456789012",
                    settings.mutability(), Optional.of(new RepositoryInfo.PrivateSettings(settings.scanOnPush(),
                    settings.encryption().name(), settings.kmsKey())));
            if (!races) {
                return winner;
            }
            throw new RepositoryAlreadyExists("created by another run");
        }

        @Override
        public void putLifecyclePolicy(RepositoryName name, String policyText) {
            calls.add("putLifecyclePolicy");
            policy = policyText;
        }

        @Override
        public Optional<String> lifecyclePolicy(RepositoryName name) {
            calls.add("getLifecyclePolicy");
            return Optional.ofNullable(policy);
        }

        @Override
        public Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags) {
            return Map.of();
        }
    }

    private RepositorySettings settings(Optional<String> policy) {
        return new RepositorySettings(name, TagMutability.IMMUTABLE, true,
                RepositorySettings.Encryption.AES256, Optional.empty(), Map.of(), policy);
    }

    @Test
    void losingTheCreationRaceUsesTheRepositoryTheOtherRunCreated() {
        RacingEcr ecr = new RacingEcr();

        EnsuredRepository repository = new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.of("{\"rules\":[]}")), true);

        assertThat(repository.info().uri()).endsWith("/team/web");
        assertThat(repository.created()).as("the other run created it").isFalse();
        assertThat(ecr.calls).containsExactly("describe", "create", "describe", "getLifecyclePolicy", "putLifecyclePolicy");
    }

    @Test
    void anExistingRepositoryWithOtherSettingsIsKeptWithAWarning() {
        RacingEcr ecr = new RacingEcr();
        ecr.winner = new RepositoryInfo(name, "host/team/web", "arn", "123456789012", TagMutability.MUTABLE,
                Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())));

        new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.empty()), true);

        assertThat(ecr.calls).containsExactly("describe");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("tags are mutable but tagMutability asks for immutable");
    }

    @Test
    void aMissingRepositoryIsAnErrorWhenCreationIsTurnedOff() {
        RacingEcr ecr = new RacingEcr();

        assertThatThrownBy(() -> new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.empty()), false))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("does not exist and createRepository is false");
        assertThat(ecr.calls).containsExactly("describe");
    }

    private static final String KEEP_FIVE = """
            {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"],
              "countType": "imageCountMoreThan", "countNumber": 5}, "action": {"type": "expire"}}]}""";

    private RacingEcr existingRepository() {
        RacingEcr ecr = new RacingEcr();
        ecr.winner = new RepositoryInfo(name, "host/team/web", "arn", "123456789012", TagMutability.IMMUTABLE,
                Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())));
        return ecr;
    }

    @Test
    void aPolicyIsShownInALogGroupAndPutWhenTheRepositoryHasNone() {
        RacingEcr ecr = existingRepository();

        new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.of(KEEP_FIVE)), true);

        assertThat(ecr.calls).containsExactly("describe", "getLifecyclePolicy", "putLifecyclePolicy");
        assertThat(ecr.policy).isEqualTo(KEEP_FIVE);
        String log = out.toString(StandardCharsets.UTF_8);
        assertThat(log.indexOf("Lifecycle policy for team/web")).isLessThan(log.indexOf("\"countNumber\" : 5"));
        assertThat(log).contains("Lifecycle policy applied to team/web.");
    }

    @Test
    void thePolicyIsNotPutAgainWhenTheRepositoryHasTheSameRulesInAnotherLayout() {
        RacingEcr ecr = existingRepository();
        ecr.policy = KEEP_FIVE.replace("\n", "").replace(" ", "");

        new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.of(KEEP_FIVE)), true);

        assertThat(ecr.calls).containsExactly("describe", "getLifecyclePolicy");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Lifecycle policy of team/web is up to date.");
    }

    @Test
    void aPolicyThatIsReplacedIsShownSoItIsNotLost() {
        RacingEcr ecr = existingRepository();
        ecr.policy = KEEP_FIVE.replace("\"v*\"", "\"release-*\"");

        new RepositoryEnsurer(ecr, pipeline).applyLifecyclePolicy(settings(Optional.of(KEEP_FIVE)));

        assertThat(ecr.calls).containsExactly("getLifecyclePolicy", "putLifecyclePolicy");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("It replaces the policy the repository had:")
                .contains("\"release-*\"");
    }

    @Test
    void aRepositoryItCreatesIsReportedCreatedWithTheSettingsEcrGaveIt() {
        RacingEcr ecr = new RacingEcr();
        ecr.races = false;
        RepositorySettings settings = new RepositorySettings(name, new TagMutability(TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION,
                List.of("latest", "6.*")), true, RepositorySettings.Encryption.KMS, Optional.of("alias/ecr"), Map.of(),
                Optional.empty());

        EnsuredRepository repository = new RepositoryEnsurer(ecr, pipeline).ensure(settings, true);

        assertThat(repository.created()).isTrue();
        assertThat(repository.info().describeSettings()).isEqualTo("tags immutable except latest, 6.*, scan on push on, "
                + "encryption KMS with key alias/ecr");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Created repository 123456789012.dkr.ecr.eu-west-1"
                + ".amazonaws.com/team/web (tags immutable except latest, 6.*, scan on push on, encryption KMS with key alias/ecr).");
    }

    @Test
    void aRepositoryThatExistsIsReportedFoundWithItsOwnSettings() {
        RacingEcr ecr = new RacingEcr();
        ecr.winner = new RepositoryInfo(name, "host/team/web", "arn", "123456789012", TagMutability.IMMUTABLE,
                Optional.of(new RepositoryInfo.PrivateSettings(false, "AES256", Optional.empty())));

        EnsuredRepository repository = new RepositoryEnsurer(ecr, pipeline).ensure(settings(Optional.empty()), true);

        assertThat(repository.created()).isFalse();
        assertThat(repository.info().describeSettings()).isEqualTo("tags immutable, scan on push off, encryption AES256");
    }

    @Test
    void anEcrPublicRepositoryHasNoScanningOrEncryptionToTell() {
        RepositoryInfo publicRepository = new RepositoryInfo(name, "public.ecr.aws/alias/team/web", "arn", "123456789012",
                TagMutability.MUTABLE, Optional.empty());

        assertThat(publicRepository.describeSettings()).isEqualTo("tags mutable, ECR Public");
    }
}
