package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Base image names are read the way Docker reads them. */
class ImageRefParseTest {

    @Test
    void aOnePartNameIsAnOfficialDockerHubImageTaggedLatest() {
        ImageRef ref = ImageRef.parse("ubuntu");
        assertThat(ref.registry()).isEqualTo("docker.io");
        assertThat(ref.repository().value()).isEqualTo("library/ubuntu");
        assertThat(ref.tag().value()).isEqualTo("latest");
        assertThat(ref).hasToString("docker.io/library/ubuntu:latest");
    }

    @Test
    void aTwoPartNameWithoutAHostIsAUsersDockerHubImage() {
        ImageRef ref = ImageRef.parse("bitnami/nginx:1.25");
        assertThat(ref).hasToString("docker.io/bitnami/nginx:1.25");
    }

    @Test
    void theFirstPartIsAHostWhenItHasADotAPortOrIsLocalhost() {
        assertThat(ImageRef.parse("mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim"))
                .hasToString("mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim");
        assertThat(ImageRef.parse("127.0.0.1:5000/dotnet/runtime:6.0").registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ImageRef.parse("localhost/base").registry()).isEqualTo("localhost");
        assertThat(ImageRef.parse("index.docker.io/library/debian:12").registry()).isEqualTo("docker.io");
    }

    @Test
    void aDigestPinsTheImageAndKeepsTheTag() {
        String digest = "sha256:" + "ab".repeat(32);
        ImageRef ref = ImageRef.parse("mcr.microsoft.com/dotnet/runtime:6.0@" + digest);
        assertThat(ref.tag().value()).isEqualTo("6.0");
        assertThat(ref.digest()).hasToString(digest);
    }

    @Test
    void invalidNamesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> ImageRef.parse("mcr.microsoft.com/DotNet/runtime")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> ImageRef.parse("ubuntu@sha256:xyz")).hasMessageContaining("not a sha256 digest");
        assertThatThrownBy(() -> ImageRef.parse(" ")).hasMessageContaining("empty");
    }
}
