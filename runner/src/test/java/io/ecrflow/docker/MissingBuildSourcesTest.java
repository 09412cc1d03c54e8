package io.ecrflow.docker;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A COPY source missing from the context is explained with the context the build used, in either builder's words. */
class MissingBuildSourcesTest {
    private static final Path CONTEXT = Path.of("/agent/_work/1/s");

    @Test
    void buildKitsNotFoundNamesTheSourceAndTheContext() {
        String said = "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref "
                + "4c1b::q2x9: \"/web\": not found";

        assertThat(MissingBuildSources.explain(said, CONTEXT)).hasValueSatisfying(text -> assertThat(text)
                .startsWith("The COPY/ADD source /web is not in the build context /agent/_work/1/s")
                .contains("Set 'context' to the folder they are relative to"));
    }

    @Test
    void anOlderBuildKitsWordingIsRecognisedToo() {
        String said = "failed to compute cache key: \"/busybox\" not found: not found";

        assertThat(MissingBuildSources.explain(said, CONTEXT)).hasValueSatisfying(text ->
                assertThat(text).startsWith("The COPY/ADD source /busybox is not in the build context"));
    }

    @Test
    void theClassicBuildersWordingIsRecognisedToo() {
        String said = "COPY failed: file not found in build context or excluded by .dockerignore: stat web: file does not exist";

        assertThat(MissingBuildSources.explain(said, CONTEXT)).hasValueSatisfying(text ->
                assertThat(text).startsWith("The COPY/ADD source web is not in the build context"));
    }

    @Test
    void otherFailuresGetNoSuchExplanation() {
        assertThat(MissingBuildSources.explain("RUN make: exit code 2", CONTEXT)).isEmpty();
        assertThat(MissingBuildSources.explain("pull access denied for base, repository does not exist", CONTEXT)).isEmpty();
    }
}
