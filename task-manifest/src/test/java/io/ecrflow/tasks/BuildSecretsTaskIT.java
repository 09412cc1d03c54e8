package io.ecrflow.tasks;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BuildKit secret given in {@code secrets} reaches the RUN step that mounts it, and is in no log line, layer
 * or history entry of the image: EcrBuildPush@1 run as the agent runs it, against the real engine.
 */
class BuildSecretsTaskIT {
    private static final String VALUE = "npm-token-" + UUID.randomUUID();
    private final Testbed testbed = SharedTestbed.get();

    @TempDir
    Path sources;

    @Test
    void aSecretReachesItsRunStepAndNothingElse() throws Exception {
        SampleApp.create(sources, "secrets");
        // the RUN step fails unless the secret arrived with its exact value; the Dockerfile holds only its SHA-256
        Files.writeString(sources.resolve("src/Dockerfile"), Files.readString(sources.resolve("src/Dockerfile"))
                + "RUN --mount=type=secret,id=npm [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox sha256sum "
                + "/run/secrets/npm | /bin/busybox grep -q ^" + sha256(VALUE) + " && /bin/busybox echo mounted > /secret-was-there\"]\n");
        String repository = "team/secrets-" + UUID.randomUUID().toString().substring(0, 8);

        StepResult step = AgentStep.main("EcrBuildPush", sources).serviceConnection(ServiceConnection.withExampleKeys())
                .input("repository", repository)
                .input("dockerfile", "src/Dockerfile")
                .input("tags", "$(Build.BuildId)")
                .input("secrets", "id=npm,env=NPM_TOKEN")
                .variable("NPM_TOKEN", VALUE)  // as `env: NPM_TOKEN: $(npmToken)` maps it into the step
                .variables(Pipelines.build("95", "main")).variables(SharedTestbed.endpointVariables())
                .run();

        assertThat(step.exitCode()).as(step.toString()).isZero();
        assertThat(step.commands("task.setsecret")).extracting(AgentCommand::message).contains(VALUE);
        assertThat(step.lines()).filteredOn(line -> line.contains(VALUE)).allMatch(line -> line.startsWith("##vso[task.setsecret]"));
        assertThat(step.stderr()).doesNotContain(VALUE);
        String image = step.outputs().get("imageUri");
        assertThat(docker("history", "--no-trunc", image)).contains("/run/secrets/npm").doesNotContain(VALUE);
        assertThat(docker("save", image)).as("the image's layers and config").doesNotContain(VALUE);
        assertThat(testbed.tagsOf(repository)).containsExactly("95");
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** What the docker CLI prints, read as bytes (an image archive too). */
    private static String docker(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
