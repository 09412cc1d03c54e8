package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code login} hands later script steps a private docker config that really pulls from the registry. */
class LoginIT extends TestBedTest {
    private static final Pattern EXPORT = Pattern.compile("^##vso\\[task\\.setvariable variable=DOCKER_CONFIG;\\](.+)$", Pattern.MULTILINE);

    @Test
    void laterStepsPullPushedImagesByDigestThroughTheExportedDockerConfig() throws Exception {
        SampleApp.create(work, "login");
        Path agentTemp = Files.createDirectories(work.resolve("agent-temp"));
        String repository = "team/login-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> azure = TestBedFixture.azurePipelineVariables("42", "fedcba9876543210fedcba9876543210fedcba98");
        RunResult pushed = runner("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId)")
                .env(TestBedFixture.awsEnvironment()).env(azure).env("AGENT_TEMPDIRECTORY", agentTemp.toString()).in(work).run();
        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        String byDigest = pushed.outputs().get("imageDigest");

        RunResult login = runner("login").env(TestBedFixture.awsEnvironment()).env(azure)
                .env("AGENT_TEMPDIRECTORY", agentTemp.toString()).in(work).run();

        assertThat(login.exitCode()).as(login.toString()).isZero();
        Matcher export = EXPORT.matcher(login.stdout());
        assertThat(export.find()).as(login.stdout()).isTrue();
        Path dockerConfig = Path.of(export.group(1));
        assertThat(dockerConfig).startsWith(agentTemp);
        assertThat(login.outputs()).containsEntry("registry", testbed.registryHost());
        assertThat(Files.getPosixFilePermissions(dockerConfig)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(dockerConfig.resolve("config.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        DockerCli.removeLocal(List.of(testbed.registryHost() + "/" + repository + ":42"));
        DockerCli.Result pull = DockerCli.run(Map.of("DOCKER_CONFIG", dockerConfig.toString()), "pull", byDigest);
        assertThat(pull.exitCode()).as(pull.output()).isZero();
        DockerCli.Result withoutLogin = DockerCli.run(Map.of("DOCKER_CONFIG", work.resolve("empty-config").toString()),
                "pull", testbed.registryHost() + "/" + repository + ":42");
        assertThat(withoutLogin.exitCode()).as("a pull without the login must be refused").isNotZero();
        DockerCli.removeLocal(List.of(byDigest));
    }
}
