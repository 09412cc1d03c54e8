package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.InputDefaults;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.platform.OldVersions;
import io.ecrflow.platform.PlatformImageOptions;
import io.ecrflow.platform.Version;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code platform-image}'s inputs, parsed before any AWS, registry or Docker call. */
class PlatformImageCommandTest {
    @TempDir
    Path work;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void platformAndTestApplication() throws Exception {
        Files.createDirectories(work.resolve("platform-images/net6/runtime"));
        Files.writeString(work.resolve("platform-images/net6/runtime/Dockerfile"), "FROM mcr.microsoft.com/dotnet/runtime:6.0\n");
        Files.createDirectories(work.resolve("shared/integration-tests/net6"));
        Files.writeString(work.resolve("shared/integration-tests/net6/Dockerfile"), "FROM runtime:6.0-bullseye-slim\n");
    }

    private PlatformImageOptions parse(String... args) {
        PlatformImageCommand command = new PlatformImageCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(new InputDefaults(Environment.of(env)));
        commandLine.parseArgs(args);
        Environment environment = Environment.of(env);
        return command.options(new RunContext(new PlainPipeline(environment, System.out, System.err), environment, work));
    }

    @Test
    void theDefaultsBumpMinorMoveLatestPullTheBaseAndScanOnPush() {
        PlatformImageOptions options = parse("--repository", "runtime", "--context", "platform-images/net6/runtime");

        assertThat(options.bump()).isEqualTo(Version.Part.MINOR);
        assertThat(options.forceUpdate()).isFalse();
        assertThat(options.tags().inPublishOrder()).extracting(Tag::value).containsExactly("latest");
        assertThat(options.build().pull()).isTrue();
        assertThat(options.repository().scanOnPush()).isTrue();
        assertThat(options.versions().prefix()).isEmpty();
        assertThat(options.test()).isEmpty();
        assertThat(options.explicitBase()).isEmpty();
        assertThat(options.notifications().onFailure()).isFalse();
        assertThat(options.notifications().fatal()).isFalse();
    }

    @Test
    void theSeedsPipelineParametersMapOntoTheOptions() {
        env.put("INPUT_FORCEUPDATE", "true");
        env.put("INPUT_EXTRATAGS", "6.0\n$(Build.BuildNumber)");
        env.put("BUILD_BUILDNUMBER", "20261123.4");

        PlatformImageOptions options = parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--version-prefix", "6.0-bullseye-slim", "--bump", "patch",
                "--test-dockerfile", "shared/integration-tests/net6/Dockerfile", "--test-timeout", "2m",
                "--test-path", "health", "--test-status", "204");

        assertThat(options.forceUpdate()).isTrue();
        assertThat(options.bump()).isEqualTo(Version.Part.PATCH);
        assertThat(options.tags().inPublishOrder()).extracting(Tag::value).containsExactly("6.0", "20261123.4", "latest");
        assertThat(options.tags().moving()).extracting(Tag::value).containsExactlyInAnyOrder("6.0", "20261123.4", "latest");
        assertThat(options.tags().rewritten()).extracting(Tag::value).containsExactly("6.0", "latest");
        assertThat(options.test()).hasValueSatisfying(test -> {
            assertThat(test.context()).isEqualTo(work.resolve("shared/integration-tests/net6"));
            assertThat(test.port()).isEqualTo(8080);
            assertThat(test.path()).isEqualTo("/health");
            assertThat(test.expectedStatus()).isEqualTo(204);
            assertThat(test.timeout()).isEqualTo(Duration.ofMinutes(2));
        });
    }

    @Test
    void anExtraTagThatLooksLikeAVersionTagIsRefused() {
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--version-prefix", "6.0-bullseye-slim", "--extra-tags", "6.0,6.0-bullseye-slim-1.0.0"))
                .isInstanceOf(UserError.class).hasMessageContaining("6.0-bullseye-slim-1.0.0").hasMessageContaining("never moved");
    }

    @Test
    void testSettingsWithoutATestApplicationAreAMistake() {
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--test-port", "5055"))
                .isInstanceOf(UserError.class).hasMessageContaining("testDockerfile");
    }

    @Test
    void badNumbersAndDurationsNameTheirInput() {
        String[] base = {"--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--test-dockerfile", "shared/integration-tests/net6/Dockerfile"};
        assertThatThrownBy(() -> parse(concat(base, "--test-port", "70000"))).hasMessageContaining("'testPort'");
        assertThatThrownBy(() -> parse(concat(base, "--test-timeout", "soon"))).hasMessageContaining("'testTimeout'");
        assertThatThrownBy(() -> parse(concat(base, "--bump", "huge"))).hasMessageContaining("'bump'");
    }

    @Test
    void theTestTimeoutTakesSecondsOrANumberWithItsUnit() {
        String[] base = {"--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--test-dockerfile", "shared/integration-tests/net6/Dockerfile", "--test-timeout"};
        assertThat(parse(concat(base, "90")).test().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse(concat(base, "90s")).test().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse(concat(base, "2M")).test().orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> parse(concat(base, "0")))
                .hasMessage("Input 'testTimeout' is '0'; give seconds (3600) or a number with s, m or h (90s, 60m, 2h), "
                        + "at least one second.");
    }

    @Test
    void keepVersionsGeneratesThePolicyThatProtectsLatestTheLiteralExtraTagsAndTheCache() {
        env.put("INPUT_EXTRATAGS", "6.0\n$(Build.BuildNumber)");
        env.put("BUILD_BUILDNUMBER", "20261123.4");

        PlatformImageOptions options = parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--version-prefix", "6.0-bullseye-slim", "--keep-versions", "5", "--registry-cache", "true");

        assertThat(options.retention()).hasValueSatisfying(retention -> {
            assertThat(retention.keep()).isEqualTo(5);
            assertThat(retention.protectedTags()).extracting(Tag::value).containsExactly("latest", "6.0", "buildcache");
        });
        assertThat(options.repository().lifecyclePolicy()).as("generated when applied, from the repository's").isEmpty();
    }

    @Test
    void keepVersionsIsAWholeNumberFromOneToAThousandAndNotWithALifecyclePolicy() {
        String[] base = {"--repository", "runtime", "--context", "platform-images/net6/runtime", "--keep-versions"};
        assertThat(parse(concat(base, "1000")).retention()).isPresent();
        for (String bad : new String[] {"0", "1001", "five", "-3"}) {
            assertThatThrownBy(() -> parse(concat(base, bad))).isInstanceOf(UserError.class)
                    .hasMessage("Input 'keepVersions' is '" + bad + "'; use a whole number from 1 to 1000.");
        }
        assertThat(parse("--repository", "runtime", "--context", "platform-images/net6/runtime").retention()).isEmpty();
        assertThatThrownBy(() -> parse(concat(base, "5", "--lifecycle-policy", "{\"rules\":[]}")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("keepVersions and lifecyclePolicy both set");
    }

    @Test
    void retentionActionArchivesOlderVersionsAndArchiveDaysExpiresThemLater() {
        String[] base = {"--repository", "runtime", "--context", "platform-images/net6/runtime", "--keep-versions", "3"};
        assertThat(parse(base).retention()).hasValueSatisfying(retention ->
                assertThat(retention.old()).isEqualTo(OldVersions.EXPIRE));
        env.put("INPUT_RETENTIONACTION", "archive");
        assertThat(parse(base).retention()).hasValueSatisfying(retention ->
                assertThat(retention.old()).isEqualTo(new OldVersions(OldVersions.Action.ARCHIVE, Optional.empty())));
        assertThat(parse(concat(base, "--archive-days", "180")).retention()).hasValueSatisfying(retention ->
                assertThat(retention.old().archiveDays()).contains(180));
        assertThatThrownBy(() -> parse(concat(base, "--archive-days", "30"))).isInstanceOf(UserError.class)
                .hasMessageContaining("ECR keeps archived images at least 90 days")
                .satisfies(e -> assertThat(((UserError) e).input()).hasValue("archiveDays"));
        assertThatThrownBy(() -> parse(concat(base, "--retention-action", "delete"))).isInstanceOf(UserError.class)
                .hasMessageContaining("Input 'retentionAction' is 'delete'");
        assertThatThrownBy(() -> parse(concat(base, "--retention-action", "expire", "--archive-days", "120")))
                .isInstanceOf(UserError.class).hasMessageContaining("Set retentionAction to archive");
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime"))
                .as("archive without keepVersions").isInstanceOf(UserError.class)
                .hasMessageContaining("keepVersions is not set");
        env.put("INPUT_RETENTIONACTION", "expire");
        assertThat(parse("--repository", "runtime", "--context", "platform-images/net6/runtime").retention())
                .as("the task's default, without keepVersions").isEmpty();
    }

    @Test
    void anUpstreamUserNeedsItsPasswordFromTheEnvironment() {
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--upstream-username", "reader"))
                .isInstanceOf(UserError.class).hasMessageContaining("INPUT_UPSTREAMPASSWORD");

        env.put("INPUT_UPSTREAMPASSWORD", "pa55word");
        PlatformImageOptions options = parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--upstream-username", "reader");
        assertThat(options.upstreamLogin()).hasValueSatisfying(login -> {
            assertThat(login.username()).isEqualTo("reader");
            assertThat(login.password().reveal()).isEqualTo("pa55word");
        });
    }

    @Test
    void theWebhookUrlIsNoOptionAndHelpListsTheContractsOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int help = Main.run(new String[] {"platform-image", "--help"}, Environment.of(Map.of()), work, print, print);
        String text = out.toString(StandardCharsets.UTF_8);
        int refused = Main.run(new String[] {"platform-image", "--teams-webhook-url", "https://example.invalid/x"},
                Environment.of(Map.of()), work, print, print);

        assertThat(help).isZero();
        assertThat(text).contains("--repository", "--dockerfile", "--context", "--version-prefix", "--bump",
                "--force-update", "--extra-tags", "--base-image", "--test-dockerfile", "--test-context", "--test-port",
                "--test-path", "--test-status", "--test-timeout", "--region", "--registry-id", "--endpoint",
                "--build-args", "--builder", "--platform", "--pull", "--no-cache");
        assertThat(refused).isNotZero();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void theRegistryCacheIsOffByDefaultAndWhenOnLivesUnderBuildcache() {
        PlatformImageOptions off = parse("--repository", "runtime", "--context", "platform-images/net6/runtime");
        PlatformImageOptions on = parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--registry-cache", "true");

        assertThat(off.build().registryCache()).isFalse();
        assertThat(off.registryCacheIn("123456789012.dkr.ecr.eu-west-1.amazonaws.com")).isEmpty();
        assertThat(on.registryCacheIn("123456789012.dkr.ecr.eu-west-1.amazonaws.com")).hasValueSatisfying(ref ->
                assertThat(ref.toString()).isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/runtime:buildcache"));
    }

    @Test
    void aCacheTagThatLooksLikeAVersionIsRefused() {
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--version-prefix", "6.0-bullseye-slim", "--registry-cache", "true", "--cache-ref", "6.0-bullseye-slim-9.9.9"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("looks like a version tag")
                .hasMessageContaining("never count as a version");
    }

    @Test
    void aCacheTagThatIsLatestOrAnExtraTagIsRefused() {
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--registry-cache", "true", "--cache-ref", "latest"))
                .isInstanceOf(UserError.class).hasMessageContaining("'latest'").hasMessageContaining("tagLatest");
        assertThatThrownBy(() -> parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--registry-cache", "true", "--extra-tags", "6.0,buildcache"))
                .isInstanceOf(UserError.class).hasMessageContaining("'buildcache'").hasMessageContaining("extraTags");
        assertThat(parse("--repository", "runtime", "--context", "platform-images/net6/runtime",
                "--registry-cache", "true", "--cache-ref", "latest", "--tag-latest", "false").build().registryCache()).isTrue();
    }
}
