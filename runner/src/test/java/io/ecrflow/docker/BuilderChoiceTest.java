package io.ecrflow.docker;

import io.ecrflow.UserError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Uses the two docker CLIs this machine has: Debian's 20.10 at /usr/bin/docker (BuildKit built in) and
 * 28.x at /usr/local/bin/docker without the buildx plugin (BuildKit impossible).
 */
class BuilderChoiceTest {
    private static final String WITH_BUILDKIT = "/usr/bin/docker";
    private static final String WITHOUT_BUILDX = "/usr/local/bin/docker";

    @TempDir
    Path temp;

    private final List<String> said = new ArrayList<>();
    // The engine builder only talks to the engine when it builds; nothing here builds.
    private final EngineConnection connection = EngineConnection.open(Map.of());

    @AfterEach
    void disconnect() {
        connection.close();
    }

    @BeforeAll
    static void bothClisAreInstalled() {
        assumeTrue(Files.isExecutable(Path.of(WITH_BUILDKIT)) && Files.isExecutable(Path.of(WITHOUT_BUILDX)),
                "needs docker CLIs at " + WITH_BUILDKIT + " and " + WITHOUT_BUILDX);
    }

    @Test
    void buildkitIsRefusedForACliThatNeedsTheMissingBuildxPlugin() {
        BuilderChoice choice = choice(Map.of(BuildKitCliProbe.OVERRIDE, WITHOUT_BUILDX));

        assertThatThrownBy(() -> choice.choose("buildkit", said::add))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(WITHOUT_BUILDX)
                .hasMessageContaining("buildx plugin")
                .hasMessageContaining("--builder engine")
                .satisfies(error -> assertThat(((UserError) error).input()).contains("builder"));
    }

    @Test
    void autoFallsBackToTheEngineBuilderAndSaysWhy() {
        ImageBuilder builder = choice(Map.of(BuildKitCliProbe.OVERRIDE, WITHOUT_BUILDX)).choose("auto", said::add);

        assertThat(builder.name()).isEqualTo("engine");
        assertThat(said).singleElement().asString()
                .startsWith("No docker CLI with BuildKit found")
                .contains(WITHOUT_BUILDX)
                .endsWith("building with the Docker Engine's builder.");
    }

    @Test
    void buildkitIsTakenFromACliWithBuildKitBuiltIn() {
        ImageBuilder builder = choice(Map.of(BuildKitCliProbe.OVERRIDE, WITH_BUILDKIT)).choose("buildkit", said::add);

        assertThat(builder.name()).isEqualTo("buildkit");
        assertThat(said).singleElement().asString().startsWith("Building with BuildKit (docker CLI 20.10")
                .contains("at " + WITH_BUILDKIT);
    }

    @Test
    void aChoiceMadeInTheBackgroundIsToldWhenTheBuildAsksForIt() {
        Supplier<ImageBuilder> pending = choice(Map.of(BuildKitCliProbe.OVERRIDE, WITH_BUILDKIT))
                .chooseInBackground("auto", said::add);

        ImageBuilder builder = pending.get();

        assertThat(builder.name()).isEqualTo("buildkit");
        assertThat(said).singleElement().asString().startsWith("Building with BuildKit (docker CLI 20.10");
    }

    @Test
    void aBackgroundChoiceThatFailsThrowsTheUsersErrorWhenAskedFor() {
        Supplier<ImageBuilder> pending = choice(Map.of(BuildKitCliProbe.OVERRIDE, WITHOUT_BUILDX))
                .chooseInBackground("buildkit", said::add);

        assertThatThrownBy(pending::get).isInstanceOf(UserError.class).hasMessageContaining("buildx plugin");
    }

    @Test
    void autoSearchesPathInOrderAndPassesOverTheCliWithoutBuildx() {
        BuildKitCliProbe.Result found = new BuildKitCliProbe(
                Map.of("PATH", "/usr/local/bin:/usr/bin", "HOME", temp.toString())).find();

        assertThat(found.cli()).get().satisfies(cli -> {
            assertThat(cli.executable()).isEqualTo(Path.of(WITH_BUILDKIT));
            assertThat(cli.mode()).isEqualTo(BuildKitCli.Mode.BUILT_IN);
        });
        assertThat(found.rejected()).singleElement().asString()
                .startsWith(WITHOUT_BUILDX + " (docker CLI 28.").contains("buildx plugin");
    }

    @Test
    void aMissingForcedCliIsNamed() {
        BuildKitCliProbe.Result found = new BuildKitCliProbe(
                Map.of(BuildKitCliProbe.OVERRIDE, temp.resolve("docker").toString())).find();

        assertThat(found.cli()).isEmpty();
        assertThat(found.rejected()).singleElement().asString().contains(temp.resolve("docker").toString());
    }

    @Test
    void engineIsTakenWithoutLookingForACli() {
        ImageBuilder builder = choice(Map.of(BuildKitCliProbe.OVERRIDE, temp.resolve("nothing").toString()))
                .choose("engine", said::add);

        assertThat(builder.name()).isEqualTo("engine");
        assertThat(said).containsExactly("Building with the Docker Engine's builder.");
    }

    @Test
    void anUnknownBuilderIsAUserError() {
        assertThatThrownBy(() -> choice(Map.of()).choose("kaniko", said::add))
                .isInstanceOf(UserError.class)
                .hasMessage("Builder 'kaniko' is not known. Use auto, buildkit or engine.");
    }

    private BuilderChoice choice(Map<String, String> env) {
        return new BuilderChoice(connection, env, temp);
    }
}
