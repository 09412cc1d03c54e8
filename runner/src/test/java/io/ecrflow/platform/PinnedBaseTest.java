package io.ecrflow.platform;

import io.ecrflow.dockerfile.Dockerfile;

import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PinnedBaseTest {
    private static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));
    private static final ImageRef BASE = ImageRef.parse("mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim");

    @Test
    void theWatchedStageNamesTheCheckedDigestWithItsFlagsAndName() {
        Dockerfile file = Dockerfile.parse("""
                ARG UPSTREAM=mcr.microsoft.com
                FROM --platform=linux/amd64 ${UPSTREAM}/dotnet/runtime:6.0-bullseye-slim AS base
                RUN echo hi
                FROM base AS final
                """);

        assertThat(PinnedBase.pin(file, Map.of(), BASE, DIGEST)).contains("""
                ARG UPSTREAM=mcr.microsoft.com
                FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/runtime@%s AS base
                RUN echo hi
                FROM base AS final
                """.formatted(DIGEST));
    }

    @Test
    void buildArgsDecideWhichImageAStageNames() {
        Dockerfile file = Dockerfile.parse("ARG UPSTREAM=mcr.microsoft.com\nFROM ${UPSTREAM}/dotnet/runtime:6.0-bullseye-slim\n");

        assertThat(PinnedBase.pin(file, Map.of("UPSTREAM", "mirror.example.com"), BASE, DIGEST)).isEmpty();
        assertThat(PinnedBase.pin(file, Map.of("UPSTREAM", "mirror.example.com"),
                ImageRef.parse("mirror.example.com/dotnet/runtime:6.0-bullseye-slim"), DIGEST))
                .hasValueSatisfying(text -> assertThat(text).contains("FROM mirror.example.com/dotnet/runtime@" + DIGEST));
    }

    @Test
    void aDockerfileThatDoesNotNameTheBaseIsLeftAsItIs() {
        Dockerfile file = Dockerfile.parse("FROM debian:12\nFROM scratch\n");

        assertThat(PinnedBase.pin(file, Map.of(), BASE, DIGEST)).isEmpty();
    }
}
