package io.ecrflow.login;

import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.PlainPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Logout logout = new Logout(new PlainPipeline(Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));

    @Test
    void removesAFolderItsLoginWrote(@TempDir Path temp) throws Exception {
        Path config = Files.createDirectory(temp.resolve(Logout.FOLDER_PREFIX + "1234"));
        Files.writeString(config.resolve("config.json"), "{}");

        logout.run(Optional.of(config));

        assertThat(config).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Removed the ECR login at " + config);
    }

    @Test
    void leavesAFolderItDidNotWriteWithAWarningInsteadOfFailing(@TempDir Path temp) throws Exception {
        Path foreign = Files.createDirectory(temp.resolve("team-docker-config"));
        Files.writeString(foreign.resolve("config.json"), "{}");

        logout.run(Optional.of(foreign));

        assertThat(foreign.resolve("config.json")).exists();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("warning: Left " + foreign + " in place: it is not a docker config folder written by ecrflow login");
    }
}
