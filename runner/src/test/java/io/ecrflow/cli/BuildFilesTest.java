package io.ecrflow.cli;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The context and Dockerfile found the way Docker@2 finds them. */
class BuildFilesTest {
    @TempDir
    Path sources;

    @Test
    void withoutAContextTheBuildRunsInTheDockerfilesFolder() throws IOException {
        Path dockerfile = file("src/web/Dockerfile");

        BuildFiles files = find(Optional.empty(), Optional.of("src/web/Dockerfile"));

        assertThat(files.context()).isEqualTo(sources.resolve("src/web"));
        assertThat(files.dockerfile()).isEqualTo(dockerfile);
    }

    @Test
    void aContextOfTwoStarsMeansTheDockerfilesFolderAsInDocker2() throws IOException {
        file("src/Dockerfile");

        assertThat(find(Optional.of("**"), Optional.of("src/Dockerfile")).context()).isEqualTo(sources.resolve("src"));
    }

    @Test
    void aGivenContextWinsAndWithoutADockerfileItHoldsIt() throws IOException {
        file("Dockerfile");
        Path inContext = file("app/Dockerfile");

        assertThat(find(Optional.of("."), Optional.of("app/Dockerfile")).context()).isEqualTo(sources);
        assertThat(find(Optional.of("app"), Optional.empty()).dockerfile()).isEqualTo(inContext);
        assertThat(find(Optional.empty(), Optional.empty()).context()).isEqualTo(sources);
    }

    @Test
    void aPatternThatMatchesOneFileNamesItEvenAtTheTop() throws IOException {
        Path nested = file("services/api/Dockerfile");
        file("services/api/Dockerfile.dev");
        file(".git/Dockerfile");

        BuildFiles files = find(Optional.empty(), Optional.of("**/Dockerfile"));

        assertThat(files.dockerfile()).isEqualTo(nested);
        assertThat(files.context()).isEqualTo(sources.resolve("services/api"));
        Files.delete(nested);
        Path top = file("Dockerfile");
        assertThat(find(Optional.empty(), Optional.of("**/Dockerfile")).dockerfile()).isEqualTo(top);
    }

    @Test
    void aPatternThatMatchesSeveralFilesIsRefusedListingThem() throws IOException {
        file("web/Dockerfile");
        file("worker/Dockerfile");

        assertThatThrownBy(() -> find(Optional.empty(), Optional.of("**/Dockerfile"))).isInstanceOf(UserError.class)
                .hasMessageContaining("matches more than one file (web/Dockerfile, worker/Dockerfile)")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("dockerfile"));
    }

    @Test
    void aMissingDockerfileIsNamedRatherThanTheFolderItWouldBeIn() {
        assertThatThrownBy(() -> find(Optional.empty(), Optional.of("nowhere/Dockerfile"))).isInstanceOf(UserError.class)
                .hasMessageStartingWith("Dockerfile not found: " + sources.resolve("nowhere/Dockerfile"))
                .satisfies(e -> assertThat(((UserError) e).input()).contains("dockerfile"));
    }

    @Test
    void aPatternThatMatchesNothingIsRefused() {
        assertThatThrownBy(() -> find(Optional.empty(), Optional.of("**/Containerfile"))).isInstanceOf(UserError.class)
                .hasMessageContaining("The Dockerfile pattern '**/Containerfile' (input 'dockerfile') matches no file");
    }

    private BuildFiles find(Optional<String> context, Optional<String> dockerfile) {
        return BuildFiles.find(context, dockerfile, sources, "context", "dockerfile");
    }

    private Path file(String relative) throws IOException {
        Path file = sources.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "FROM scratch\n");
    }
}
