package io.ecrflow.dockerfile;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The base image is read from the platform Dockerfile the way Docker resolves it. */
class BaseImageTest {
    @TempDir
    Path folder;

    private BaseImage baseOf(String dockerfile, Map<String, String> buildArgs) throws IOException {
        Path file = folder.resolve("Dockerfile");
        Files.writeString(file, dockerfile);
        return BaseImage.fromDockerfile(file, buildArgs);
    }

    private BaseImage baseOf(String dockerfile) throws IOException {
        return baseOf(dockerfile, Map.of());
    }

    @Test
    void theSeedsPlatformDockerfileWatchesMcrsRuntimeImage() throws IOException {
        BaseImage base = baseOf("""
                FROM mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim

                # Set non-root user
                RUN groupadd -r devsecops && useradd -r --uid 1000 -g devsecops devsecops \\
                    && mkdir /app
                USER devsecops
                ENV ASPNETCORE_URLS=http://+:8080
                """);

        assertThat(base.name()).isEqualTo("mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim");
        assertThat(base.origin()).isEqualTo("Dockerfile line 1");
    }

    @Test
    void globalArgsAreResolvedWithTheirDefaultsOrTheGivenBuildArgs() throws IOException {
        String dockerfile = """
                ARG REGISTRY=mcr.microsoft.com
                ARG VERSION="6.0"
                FROM ${REGISTRY}/dotnet/runtime:${VERSION}-bullseye-slim
                """;

        assertThat(baseOf(dockerfile).name()).isEqualTo("mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim");
        assertThat(baseOf(dockerfile, Map.of("VERSION", "7.0")).name()).isEqualTo("mcr.microsoft.com/dotnet/runtime:7.0-bullseye-slim");
    }

    @Test
    void theLastStagesChainIsFollowedBackToAnImage() throws IOException {
        BaseImage base = baseOf("""
                FROM mcr.microsoft.com/dotnet/sdk:6.0 AS build
                RUN dotnet publish -o /out
                FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:6.0 AS Base
                FROM base AS final
                COPY --from=build /out /app
                """);

        assertThat(base.name()).isEqualTo("mcr.microsoft.com/dotnet/aspnet:6.0");
        assertThat(base.origin()).isEqualTo("Dockerfile line 3");
    }

    @Test
    void continuationsCommentsEscapeDirectivesAndHeredocsDoNotConfuseIt() throws IOException {
        BaseImage base = baseOf("""
                # escape=`
                FROM `
                  # a comment inside the instruction
                  docker.io/library/debian:12 AS os
                RUN <<EOF
                FROM not-an-instruction
                EOF
                FROM os
                """);

        assertThat(base.name()).isEqualTo("docker.io/library/debian:12");
    }

    @Test
    void aDockerfileSavedWithAByteOrderMarkAndWindowsLineEndsReadsLikeAnyOther() throws IOException {
        BaseImage base = baseOf("\uFEFF# escape=`\r\nARG VERSION=6.0\r\nFROM mcr.microsoft.com/dotnet/runtime:${VERSION} `\r\n"
                + "    AS runtime\r\nRUN echo hi\r\n");

        assertThat(base.name()).isEqualTo("mcr.microsoft.com/dotnet/runtime:6.0");
        assertThat(base.origin()).isEqualTo("Dockerfile line 3");
    }

    @Test
    void anArgWithoutAValueIsAnErrorNamingItAndTheWayOut() {
        assertThatThrownBy(() -> baseOf("ARG BASE\nFROM ${BASE}\n"))
                .isInstanceOf(UserError.class).hasMessageContaining("ARG BASE").hasMessageContaining("baseImage");
    }

    @Test
    void scratchHasNoUpstreamToWatch() {
        assertThatThrownBy(() -> baseOf("FROM scratch\nCOPY app /app\n"))
                .isInstanceOf(UserError.class).hasMessageContaining("FROM scratch").hasMessageContaining("baseImage");
    }

    @Test
    void anExplicitBaseImageIsNormalisedLikeADockerReference() {
        assertThat(BaseImage.given("ubuntu:22.04").name()).isEqualTo("docker.io/library/ubuntu:22.04");
        assertThatThrownBy(() -> BaseImage.given("Ubuntu")).isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).input()).hasValue("baseImage"));
    }

    private java.util.Optional<java.util.Set<String>> registriesOf(String dockerfile, Map<String, String> args)
            throws IOException {
        Path file = folder.resolve("Dockerfile.pulls");
        Files.writeString(file, dockerfile);
        return BaseImage.registriesPulledBy(file, args);
    }

    @Test
    void aBuildPullsFromTheRegistriesItsFromLinesAndFromFlagsName() throws IOException {
        assertThat(registriesOf("""
                ARG REGISTRY=123456789012.dkr.ecr.eu-west-1.amazonaws.com
                FROM ${REGISTRY}/base:1 AS build
                COPY --from=mcr.microsoft.com/dotnet/sdk:8.0 /sdk /sdk
                FROM scratch
                COPY --from=build /app /app
                COPY --from=0 /x /x
                RUN --mount=type=bind,from=ghcr.io/acme/tools:1,target=/t true
                """, Map.of())).contains(java.util.Set.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                "mcr.microsoft.com", "ghcr.io"));
        assertThat(registriesOf("FROM scratch\nCOPY busybox /bin/busybox\n", Map.of())).contains(java.util.Set.of());
        assertThat(registriesOf("FROM ubuntu\n", Map.of())).contains(java.util.Set.of("docker.io"));
    }

    @Test
    void aFromThatCannotBeResolvedMeansAnyRegistry() throws IOException {
        assertThat(registriesOf("ARG BASE\nFROM ${BASE}\n", Map.of())).isEmpty();
        assertThat(registriesOf("ARG BASE\nFROM ${BASE}\n", Map.of("BASE", "mcr.microsoft.com/dotnet/runtime:8.0")))
                .contains(java.util.Set.of("mcr.microsoft.com"));
    }
}
