package io.ecrflow.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BuildKitLogTest {

    @Test
    void buildxFailuresKeepTheErrorBlockAndTheDockerfileExcerpt() {
        BuildKitLog log = new BuildKitLog();
        """
                #7 [build 2/3] RUN make
                #7 0.311 make: *** No targets specified and no makefile found.  Stop.
                #7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2
                ------
                 > [build 2/3] RUN make:
                0.311 make: *** No targets specified and no makefile found.  Stop.
                ------
                Dockerfile:4
                --------------------
                   4 | >>> RUN make
                --------------------
                ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2
                """.lines().forEach(log);

        assertThat(log.failedStep()).contains("[build 2/3] RUN make");
        assertThat(log.failureLines()).startsWith("------", " > [build 2/3] RUN make:")
                .endsWith("ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2")
                .doesNotContain("#7 [build 2/3] RUN make");
    }

    @Test
    void withoutAnErrorBlockTheErrorLinesAreKept() {
        BuildKitLog log = new BuildKitLog();
        """
                #1 [internal] load build definition from Dockerfile
                ERROR: BuildKit is enabled but the buildx component is missing or broken.
                """.lines().forEach(log);

        assertThat(log.failedStep()).isEmpty();
        assertThat(log.failureLines()).containsExactly("ERROR: BuildKit is enabled but the buildx component is missing or broken.");
    }

    @Test
    void buildxRefusingARegistryCacheExportIsRecognisedInEitherWording() {
        BuildKitLog newer = new BuildKitLog();
        newer.accept("ERROR: failed to build: Cache export is not supported for the docker driver.");
        BuildKitLog older = new BuildKitLog();
        older.accept("ERROR: Cache export feature is currently not supported for docker driver. Please switch to a different driver (eg. \"docker buildx create --use\")");
        BuildKitLog other = new BuildKitLog();
        other.accept("ERROR: failed to solve: failed to push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:buildcache: unexpected status: 400 Bad Request");

        assertThat(newer.refusedCacheExport()).isTrue();
        assertThat(older.refusedCacheExport()).isTrue();
        assertThat(other.refusedCacheExport()).isFalse();
    }
}
