package io.ecrflow.docker;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Build secrets as docker build --secret takes them; the command line names where a value is, never the value. */
class BuildSecretTest {
    @TempDir
    Path work;

    @Test
    void aSecretFromAnEnvironmentVariableNamesOnlyTheVariable() {
        BuildSecret secret = BuildSecret.parse("id=npm,env=NPM_TOKEN", work);

        assertThat(secret.id()).isEqualTo("npm");
        assertThat(secret.cliValue()).isEqualTo("id=npm,env=NPM_TOKEN");
    }

    @Test
    void aSecretFromAFileNamesItsAbsolutePath() throws Exception {
        Files.writeString(work.resolve(".npmrc"), "//registry.example/:_authToken=x\n");

        assertThat(BuildSecret.parse("id=npmrc, source=.npmrc", work).cliValue()).isEqualTo("id=npmrc,src=" + work.resolve(".npmrc"));
    }

    @Test
    void aSecretNeedsAnIdAndExactlyOneSource() {
        for (String bad : new String[] {"env=NPM_TOKEN", "id=npm", "id=npm,env=A,src=b", "id=npm,env=A,type=x", "npm"}) {
            assertThatThrownBy(() -> BuildSecret.parse(bad, work)).as(bad).isInstanceOf(UserError.class)
                    .hasMessageContaining("is not id=<id>,env=<VARIABLE> or id=<id>,src=<file>")
                    .satisfies(e -> assertThat(((UserError) e).input()).contains("secrets"));
        }
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> BuildSecret.parse("id=npmrc,src=missing/.npmrc", work)).isInstanceOf(UserError.class)
                .hasMessageContaining(work.resolve("missing/.npmrc") + ", which is not a file");
    }
}
