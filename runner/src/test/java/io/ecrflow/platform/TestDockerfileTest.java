package io.ecrflow.platform;

import io.ecrflow.dockerfile.Dockerfile;

import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import org.junit.jupiter.api.Test;

import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The test application is built on the candidate: its FROM naming the platform image is replaced. */
class TestDockerfileTest {
    private static final String CANDIDATE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/runtime:6.0-bullseye-slim-1.4.0";
    private static final Predicate<ImageRef> RUNTIME = ref -> ref.repository().equals(new RepositoryName("runtime"))
            || ref.repository().value().equals("library/runtime");

    @Test
    void theFromNamingThePlatformRepositoryIsReplacedAndTheRestKept() {
        String text = """
                FROM mcr.microsoft.com/dotnet/sdk:6.0 AS build
                RUN dotnet publish -o /out

                FROM runtime:6.0-bullseye-slim AS final
                COPY --from=build /out /app
                """;

        String rewritten = TestDockerfile.withBase(Dockerfile.parse(text), CANDIDATE, RUNTIME).orElseThrow();

        assertThat(rewritten).isEqualTo("""
                FROM mcr.microsoft.com/dotnet/sdk:6.0 AS build
                RUN dotnet publish -o /out

                FROM %s AS final
                COPY --from=build /out /app
                """.formatted(CANDIDATE));
    }

    @Test
    void aFromWithFlagsAndAContinuationBecomesOneLine() {
        String text = "FROM --platform=linux/amd64 \\\n    123456789012.dkr.ecr.eu-west-1.amazonaws.com/runtime:latest\nCMD [\"app\"]\n";

        String rewritten = TestDockerfile.withBase(Dockerfile.parse(text), CANDIDATE, RUNTIME).orElseThrow();

        assertThat(rewritten).isEqualTo("FROM --platform=linux/amd64 " + CANDIDATE + "\nCMD [\"app\"]\n");
    }

    @Test
    void nothingToReplaceIsEmpty() {
        assertThat(TestDockerfile.withBase(Dockerfile.parse("FROM debian:12\nFROM ${BASE}\n"), CANDIDATE, RUNTIME)).isEmpty();
    }

    @Test
    void aBaseArgumentMustBeDeclared() {
        Dockerfile dockerfile = Dockerfile.parse("ARG PLATFORM_IMAGE=runtime:latest\nFROM ${PLATFORM_IMAGE}\n");
        assertThat(TestDockerfile.declaresArg(dockerfile, "PLATFORM_IMAGE")).isTrue();
        assertThat(TestDockerfile.declaresArg(dockerfile, "BASE")).isFalse();
    }
}
