package io.ecrflow.docker;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both builders against the real engine: what the Dockerfile and the request ask for ends up in the image. */
@ExtendWith(RealEngine.class)
class ImageBuildersIT {
    private static final BuildKitCli BUILT_IN = new BuildKitCli(Path.of("/usr/bin/docker"), "20.10.24", BuildKitCli.Mode.BUILT_IN);
    private static final RegistryCredential ECR_LOGIN = new RegistryCredential(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS", Secret.of("pull-password-0042"), Instant.now());

    private static final String MULTI_STAGE = """
            ARG BASE
            FROM ${BASE} AS base
            RUN echo from-base > /stage-base

            FROM base AS app
            ARG GREETING=unset
            RUN echo "$GREETING" > /greeting
            COPY . /app/
            LABEL ecrflow.test.from-dockerfile=yes

            FROM app AS release
            RUN echo released > /released
            """;

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine", "buildkit"})
    void buildsTheTargetStageWithBuildArgsLabelsAndDockerignore(String builderName, RealEngine.Fixture engine)
            throws Exception {
        Path context = Files.createDirectories(temp.resolve("context"));
        Files.createDirectories(context.resolve("build"));
        Files.writeString(context.resolve("build/app.Dockerfile"), MULTI_STAGE);
        Files.writeString(context.resolve(".dockerignore"), "secret.txt\n*.log\n");
        Files.writeString(context.resolve("keep.txt"), "kept");
        Files.writeString(context.resolve("secret.txt"), "must not be sent");
        Files.writeString(context.resolve("build.log"), "must not be sent either");
        String greeting = "hello-" + RealEngine.uniqueSuffix();
        String platform = "linux/" + engine.client().versionCmd().exec().getArch();
        BuildRequest request = new BuildRequest(context, context.resolve("build/app.Dockerfile"),
                Map.of("BASE", engine.baseImage, "GREETING", greeting), Optional.of("app"),
                Map.of("org.opencontainers.image.title", "ecrflow test image", "ecrflow.test.builder", builderName),
                Optional.of(platform), false, false, localName(builderName), List.of());
        List<String> output = new ArrayList<>();

        BuiltImage image = builder(builderName, engine).build(request, output::add);
        try {
            assertThat(image.localName()).isEqualTo(request.localName());
            assertThat(engine.engine.inspectImage(request.localName())).get()
                    .satisfies(info -> assertThat(info.id()).isEqualTo(image.imageId()).startsWith("sha256:"));
            assertThat(engine.labels(image.imageId())).containsEntry("org.opencontainers.image.title", "ecrflow test image")
                    .containsEntry("ecrflow.test.builder", builderName)
                    .containsEntry("ecrflow.test.from-dockerfile", "yes");
            String files = engine.run(image.imageId(), "sh", "-c", "cat /greeting; cat /stage-base; ls -aR /app; ls /");
            assertThat(files).contains(greeting, "from-base", "keep.txt", "app.Dockerfile")
                    .doesNotContain("secret.txt", "build.log", "released");
            // The step's output streamed by; BuildKit shows the command with the argument expanded.
            assertThat(output).anyMatch(line -> line.contains("RUN echo") && line.contains("> /greeting"));
        } finally {
            engine.engine.removeImage(request.localName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine", "buildkit"})
    void aFailingRunStepFailsTheBuildNamingTheStep(String builderName, RealEngine.Fixture engine) throws Exception {
        Path context = Files.createDirectories(temp.resolve("failing"));
        Files.writeString(context.resolve("Dockerfile"), """
                FROM %s
                RUN echo about to fail && exit 3
                """.formatted(engine.baseImage));
        BuildRequest request = new BuildRequest(context, context.resolve("Dockerfile"), Map.of(), Optional.empty(),
                Map.of(), Optional.empty(), false, false, localName(builderName), List.of());
        List<String> output = new ArrayList<>();
        try {
            assertThatThrownBy(() -> builder(builderName, engine).build(request, output::add))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("The image build failed at")
                    .hasMessageContaining("RUN echo about to fail && exit 3")
                    .hasMessageMatching("(?s).*(returned a non-zero code: 3|exit code: 3).*");
            assertThat(output).anyMatch(line -> line.contains("about to fail"));
            assertThat(engine.engine.imageExists(request.localName())).isFalse();
        } finally {
            engine.engine.removeImage(request.localName());
        }
    }

    static ImageBuilder builder(String name, RealEngine.Fixture engine) {
        if (name.equals("engine")) {
            return new EngineImageBuilder(engine.engine.connection());
        }
        BuildKitCli cli = new BuildKitCliProbe(System.getenv()).find().cli()
                .orElseThrow(() -> new AssertionError("these tests need a docker CLI that builds with BuildKit"));
        return new BuildKitImageBuilder(cli, System.getenv(), Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void thePrivateDockerConfigIsGoneAfterASuccessfulAndAFailedBuild(RealEngine.Fixture engine) throws Exception {
        Path configs = Files.createDirectories(temp.resolve("configs"));
        BuildKitImageBuilder builder = new BuildKitImageBuilder(BUILT_IN, System.getenv(), configs);
        Path context = Files.createDirectories(temp.resolve("context"));
        String localName = localName("buildkit");
        try {
            Files.writeString(context.resolve("Dockerfile"), "FROM " + engine.baseImage + "\nLABEL built=yes\n");
            BuildRequest good = new BuildRequest(context, context.resolve("Dockerfile"), Map.of(), Optional.empty(),
                    Map.of(), Optional.empty(), false, false, localName, List.of(ECR_LOGIN));
            assertThat(builder.build(good, line -> { }).imageId()).startsWith("sha256:");
            assertThat(configs).isEmptyDirectory();

            Files.writeString(context.resolve("Dockerfile"), "FROM " + engine.baseImage + "\nRUN false\n");
            assertThatThrownBy(() -> builder.build(good, line -> { })).isInstanceOf(UserError.class);
            assertThat(configs).isEmptyDirectory();
        } finally {
            engine.engine.removeImage(localName);
        }
    }

    static String localName(String builderName) {
        return "ecrflow-test/" + builderName + "-build:" + RealEngine.uniqueSuffix();
    }
}
