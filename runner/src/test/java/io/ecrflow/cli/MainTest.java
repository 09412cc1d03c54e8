package io.ecrflow.cli;

import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher and option handling, in process: failures here happen before any AWS or Docker call. */
class MainTest {
    @TempDir
    Path work;

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, Environment.of(env), work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> azure() {
        Map<String, String> env = new HashMap<>();
        env.put("TF_BUILD", "True");
        return env;
    }

    @Test
    void anErrorNamesTheInputToFixWhenItsMessageDoesNot() {
        assertThat(Main.namingTheInput(new io.ecrflow.UserError("Registry id '1' is not an AWS account id.", "registryId")))
                .isEqualTo("Registry id '1' is not an AWS account id. (task input 'registryId', option --registry-id)");
        assertThat(Main.namingTheInput(new io.ecrflow.UserError("Input 'tags' holds only commas.", "tags")))
                .isEqualTo("Input 'tags' holds only commas.");
        assertThat(Main.namingTheInput(new io.ecrflow.UserError("The registry is down."))).isEqualTo("The registry is down.");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Run run = run(Map.of(), "--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).matches("(?s)ecrflow \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"build-push", "login"}) {
            Run run = run(Map.of(), command, "--help");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("--region").contains("--endpoint");
        }
        assertThat(run(Map.of(), "build-push", "--help").out()).contains("--repository").contains("--tags")
                .contains("--lifecycle-policy").contains("--builder");
    }

    @Test
    void aMissingRepositoryFailsNamingTheInputAndHowToSetIt() {
        Run run = run(azure(), "build-push");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).contains("##vso[task.logissue type=error;]Input 'repository' is required")
                .contains("INPUT_REPOSITORY")
                .contains("##vso[task.complete result=Failed;]");
    }

    @Test
    void aCommandLineValueWinsOverTheTaskInput() throws Exception {
        Files.createDirectories(work.resolve("ctx"));
        Map<String, String> env = azure();
        env.put("INPUT_REPOSITORY", "team/from-input");
        env.put("INPUT_CONTEXT", "missing-folder");

        Run run = run(env, "build-push", "--context", "ctx");

        assertThat(run.out()).contains("Dockerfile not found").doesNotContain("missing-folder");
    }

    @Test
    void aBooleanInputThatIsNotABooleanNamesTheInput() throws Exception {
        Files.createDirectories(work.resolve("ctx"));
        Files.writeString(work.resolve("ctx/Dockerfile"), "FROM scratch\n");
        Map<String, String> env = azure();
        env.put("INPUT_SCANONPUSH", "sometimes");

        Run run = run(env, "build-push", "--repository", "team/web", "--context", "ctx");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).contains("Input 'scanOnPush' is 'sometimes'; use true or false.");
    }

    @Test
    void aBareFlagMeansTrueAndAnExplicitFalseIsHonoured() throws Exception {
        Files.createDirectories(work.resolve("ctx"));
        Files.writeString(work.resolve("ctx/Dockerfile"), "FROM scratch\n");
        BuildPushCommand command = new BuildPushCommand();
        new picocli.CommandLine(command).parseArgs("--repository", "team/web", "--context", "ctx", "--no-cache", "--pull", "false");
        var options = command.options(new RunContext(new io.ecrflow.pipeline.PlainPipeline(Environment.of(Map.of()),
                System.out, System.err), Environment.of(Map.of()), work));
        assertThat(options.source()).isInstanceOfSatisfying(io.ecrflow.buildpush.ImageSource.Dockerfile.class, build -> {
            assertThat(build.build().noCache()).isTrue();
            assertThat(build.build().pull()).isFalse();
        });
        assertThat(options.createRepository()).isTrue();
    }

    @Test
    void anUnknownOptionIsAnErrorPointingToHelp() {
        Run run = run(azure(), "build-push", "--colour", "blue");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).contains("##vso[task.logissue type=error;]").contains("--colour").contains("--help");
    }

    @Test
    void kmsKeyWithoutKmsEncryptionIsRejected() throws Exception {
        Files.createDirectories(work.resolve("ctx"));
        Files.writeString(work.resolve("ctx/Dockerfile"), "FROM scratch\n");

        Run run = run(azure(), "build-push", "--repository", "team/web", "--context", "ctx", "--kms-key", "alias/x");

        assertThat(run.out()).contains("set encryption to KMS");
    }
}
