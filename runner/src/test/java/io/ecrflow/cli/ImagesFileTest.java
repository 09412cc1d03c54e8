package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.InputDefaults;
import io.ecrflow.pipeline.PlainPipeline;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code platform-image --images-file}: each entry read as the command's own inputs, before any AWS or Docker call. */
class ImagesFileTest {
    @TempDir
    Path work;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void platformImagesAndTestApplication() throws Exception {
        for (String image : List.of("net6/runtime", "net6/sdk", "net7/runtime")) {
            Files.createDirectories(work.resolve("platform-images/" + image));
            Files.writeString(work.resolve("platform-images/" + image + "/Dockerfile"), "FROM mcr.microsoft.com/dotnet/runtime:6.0\n");
        }
        Files.createDirectories(work.resolve("shared/integration-tests/net6"));
        Files.writeString(work.resolve("shared/integration-tests/net6/Dockerfile"), "FROM runtime:6.0-bullseye-slim\n");
    }

    private List<PlatformImageCommand.FileImage> images(String yaml, String... stepArgs) throws Exception {
        Files.writeString(work.resolve("platform-images.yml"), yaml);
        PlatformImageCommand command = new PlatformImageCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(new InputDefaults(Environment.of(env)));
        commandLine.parseArgs(stepArgs);
        Environment environment = Environment.of(env);
        return command.fileImages(new RunContext(new PlainPipeline(environment, System.out, System.err), environment, work),
                "platform-images.yml");
    }

    private static PlatformImageOptions options(List<PlatformImageCommand.FileImage> images, int index) {
        return images.get(index).image().options();
    }

    @Test
    void eachImageTakesItsOwnSettingsOverTheFilesDefaultsOverTheStepsInputs() throws Exception {
        env.put("INPUT_TESTTIMEOUT", "90");
        List<PlatformImageCommand.FileImage> images = images("""
                defaults:
                  versionPrefix: 6.0-bullseye-slim
                  testDockerfile: shared/integration-tests/net6/Dockerfile
                  extraTags: [ "6.0" ]
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                  - id: net6_sdk
                    repository: platform/net6-sdk
                    context: platform-images/net6/sdk
                    bump: patch
                    tagLatest: false
                    testPort: 5000
                    extraTags:
                      - "6.0-sdk"
                      - "6"
                    buildArgs:
                      FLAVOUR: sdk
                      CHANNEL: "6.0"
                """, "--bump", "major", "--test-path", "/health");

        assertThat(images).extracting(PlatformImageCommand.FileImage::id).containsExactly("net6_runtime", "net6_sdk");
        PlatformImageOptions runtime = options(images, 0);
        assertThat(runtime.repository().name().value()).isEqualTo("platform/net6-runtime");
        assertThat(runtime.build().context()).isEqualTo(work.resolve("platform-images/net6/runtime"));
        assertThat(runtime.versions().prefix()).isEqualTo("6.0-bullseye-slim");
        assertThat(runtime.bump()).isEqualTo(Version.Part.MAJOR);
        assertThat(runtime.tags().inPublishOrder()).extracting(Tag::value).containsExactly("6.0", "latest");
        assertThat(runtime.test()).hasValueSatisfying(test -> {
            assertThat(test.port()).isEqualTo(8080);
            assertThat(test.path()).isEqualTo("/health");
            assertThat(test.timeout()).isEqualTo(Duration.ofSeconds(90));
        });

        PlatformImageOptions sdk = options(images, 1);
        assertThat(sdk.bump()).isEqualTo(Version.Part.PATCH);
        assertThat(sdk.tags().inPublishOrder()).extracting(Tag::value).containsExactly("6.0-sdk", "6");
        assertThat(sdk.build().buildArgs()).containsEntry("FLAVOUR", "sdk").containsEntry("CHANNEL", "6.0");
        assertThat(sdk.test()).hasValueSatisfying(test -> assertThat(test.port()).isEqualTo(5000));
    }

    @Test
    void anEmptySettingClearsWhatLiesUnderIt() throws Exception {
        List<PlatformImageCommand.FileImage> images = images("""
                defaults:
                  extraTags: "6.0"
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                    extraTags: ""
                """);

        assertThat(options(images, 0).tags().inPublishOrder()).extracting(Tag::value).containsExactly("latest");
    }

    @Test
    void keepVersionsIsAKeyOfTheFileLikeTheInput() throws Exception {
        List<PlatformImageCommand.FileImage> images = images("""
                defaults:
                  keepVersions: 10
                images:
                  - id: net6_runtime
                    repository: platform/runtime
                    context: platform-images/net6/runtime
                    versionPrefix: 6.0-bullseye-slim
                  - id: net6_sdk
                    repository: platform/sdk
                    context: platform-images/net6/sdk
                    keepVersions: ""
                """);

        assertThat(options(images, 0).retention()).hasValueSatisfying(retention -> {
            assertThat(retention.keep()).isEqualTo(10);
            assertThat(retention.pattern()).isEqualTo("6.0-bullseye-slim-*.*.*");
        });
        assertThat(options(images, 1).retention()).isEmpty();
    }

    @Test
    void aBadValueNamesTheFileTheImageTheKeyAndItsLine() {
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                  - id: net6_sdk
                    repository: platform/net6-sdk
                    context: platform-images/net6/sdk
                    testDockerfile: shared/integration-tests/net6/Dockerfile
                    testPort: 70000
                """))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("platform-images.yml, image 'net6_sdk' (line 5): ")
                .hasMessageContaining("use a whole number from 1 to 65535")
                .hasMessageEndingWith("(key 'testPort', line 9)");
    }

    @Test
    void aBadDefaultSaysItIsUnderDefaults() {
        assertThatThrownBy(() -> images("""
                defaults:
                  bump: huge
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                """))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("image 'net6_runtime' (line 4)")
                .hasMessageContaining("'bump'")
                .hasMessageEndingWith("(key 'bump' under defaults, line 2)");
    }

    @Test
    void aBadInputOfTheStepSaysItIsTheStepsUnderEveryImage() {
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                """, "--bump", "huge"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("platform-images.yml, image 'net6_runtime' (line 2): Input 'bump' is 'huge'")
                .hasMessageEndingWith("(the step's input 'bump', under every image)");
    }

    @Test
    void aMissingFolderIsTheSameErrorAsForTheInput() {
        assertThatThrownBy(() -> images("""
                images:
                  - id: net8_runtime
                    repository: platform/net8-runtime
                    context: platform-images/net8/runtime
                """))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("image 'net8_runtime'")
                .hasMessageContaining("platform-images/net8/runtime")
                .hasMessageContaining("(key 'context', line 4)");
        assertThatThrownBy(() -> images("""
                images:
                  - id: net8_runtime
                    repository: platform/net8-runtime
                """))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("platform-images.yml, image 'net8_runtime' (line 2): Dockerfile not found")
                .hasMessageNotContaining("the step's input");
    }

    @Test
    void anUnknownKeyListsTheKnownOnesAndSuggestsTheOneMeant() {
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    testport: 8080
                """))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("platform-images.yml line 4, image 'net6_runtime': unknown key 'testport'.")
                .hasMessageContaining("Did you mean 'testPort'?")
                .hasMessageContaining("repository, ")
                .hasMessageContaining("versionPrefix")
                .hasMessageContaining("extraTags");
    }

    @Test
    void theRunsOwnInputsAreRefusedPerImage() {
        assertThatThrownBy(() -> images("""
                defaults:
                  region: eu-west-1
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                """))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("line 2, defaults: 'region' is an input of the whole run")
                .hasMessageContaining("--region");
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    parallel: 2
                """))
                .isInstanceOf(UserError.class).hasMessageContaining("'parallel' is an input of the whole run");
    }

    @Test
    void idsMustNameOutputVariablesAndBeUnique() {
        assertThatThrownBy(() -> images("""
                images:
                  - repository: platform/net6-runtime
                """)).hasMessageContaining("line 2: image 1 has no id");
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6-runtime
                    repository: platform/net6-runtime
                """)).hasMessageContaining("line 2: id 'net6-runtime' cannot name output variables");
        assertThatThrownBy(() -> images("""
                images:
                  - id: secretRuntime
                    repository: platform/net6-runtime
                """)).hasMessageContaining("starts with 'secret'");
        assertThatThrownBy(() -> images("""
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                  - id: NET6_RUNTIME
                    repository: platform/net6-runtime-2
                """)).hasMessageContaining("line 4: two images have the id 'NET6_RUNTIME'");
    }

    @Test
    void theFileItselfMustBeThereAndBeYamlOfTheRightShape() throws Exception {
        PlatformImageCommand command = new PlatformImageCommand();
        new CommandLine(command).parseArgs();
        Environment environment = Environment.of(env);
        RunContext run = new RunContext(new PlainPipeline(environment, System.out, System.err), environment, work);
        assertThatThrownBy(() -> command.fileImages(run, "missing.yml"))
                .isInstanceOf(UserError.class).hasMessageContaining("The images file missing.yml does not exist");

        assertThatThrownBy(() -> images("images:\n  - id: a\n    repository: [unclosed\n"))
                .isInstanceOf(UserError.class).hasMessageStartingWith("platform-images.yml line ")
                .hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> images("- id: a\n")).hasMessageContaining("line 1: the file must be a mapping");
        assertThatThrownBy(() -> images("defaults: {}\n")).hasMessageContaining("no images");
        assertThatThrownBy(() -> images("image:\n  - id: a\n")).hasMessageContaining("line 1: unknown key 'image' at the top");
        assertThatThrownBy(() -> images("images:\n  - id: a\n    repository: r\n    repository: s\n"))
                .hasMessageContaining("line 4: image 1 sets 'repository' twice");
        assertThatThrownBy(() -> images("images:\n  - id: a\n    buildArgs:\n      A: [1, 2]\n"))
                .hasMessageContaining("line 3: 'buildArgs' holds a nested list or mapping");
    }

    @Test
    void imageIdsRunOneSliceOfTheFileInItsOrder() throws Exception {
        String yaml = """
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                  - id: net6_sdk
                    repository: platform/net6-sdk
                    context: platform-images/net6/sdk
                  - id: net7_runtime
                    repository: platform/net7-runtime
                    context: platform-images/net7/runtime
                """;

        assertThat(images(yaml, "--image-ids", "NET7_runtime,net6_runtime")).extracting(PlatformImageCommand.FileImage::id)
                .containsExactly("net6_runtime", "net7_runtime");
        assertThatThrownBy(() -> images(yaml, "--image-ids", "net8_runtime"))
                .isInstanceOf(UserError.class)
                .hasMessage("imageIds names 'net8_runtime', which is no image of platform-images.yml; its images are "
                        + "net6_runtime, net6_sdk, net7_runtime.");
    }

    @Test
    void imageIdsWithoutAnImagesFileIsAMistake() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int exit = Main.run(new String[] {"platform-image", "--repository", "runtime", "--context",
                "platform-images/net6/runtime", "--image-ids", "net6_runtime"}, Environment.of(env), work, print, print);

        assertThat(exit).isNotZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("imageIds chooses images of an images file, but imagesFile is not set.");
    }

    @Test
    void inputsTheCommandGainedLaterAreKeysOfTheFileToo() throws Exception {
        env.put("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/");
        env.put("SYSTEM_TEAMPROJECT", "Platform");
        env.put("SYSTEM_ACCESSTOKEN", "job-token");
        List<PlatformImageCommand.FileImage> images = images("""
                defaults:
                  keepVersions: 10
                images:
                  - id: net6_runtime
                    repository: platform/net6-runtime
                    context: platform-images/net6/runtime
                    versionPrefix: 6.0-bullseye-slim
                    dependents:
                      - orders-api@main
                      - 42 baseTag=6.0
                  - id: net6_sdk
                    repository: platform/net6-sdk
                    context: platform-images/net6/sdk
                    keepVersions: 3
                """);

        PlatformImageOptions runtime = options(images, 0);
        assertThat(runtime.retention()).hasValueSatisfying(retention -> assertThat(retention.keep()).isEqualTo(10));
        assertThat(runtime.dependents().pipelines()).satisfiesExactly(
                orders -> {
                    assertThat(orders.pipeline()).isEqualTo("orders-api");
                    assertThat(orders.branch()).contains("main");
                },
                numbered -> {
                    assertThat(numbered.pipeline()).isEqualTo("42");
                    assertThat(numbered.parameters()).containsEntry("baseTag", "6.0");
                });
        assertThat(options(images, 1).retention()).hasValueSatisfying(retention -> assertThat(retention.keep()).isEqualTo(3));
        assertThat(options(images, 1).dependents().any()).isFalse();
    }
}
