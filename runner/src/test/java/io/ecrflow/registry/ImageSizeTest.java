package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class ImageSizeTest {
    private static final ImageRef REF = ImageRef.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1");

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static Manifest image(String json) {
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        return new Manifest(Manifest.OCI_IMAGE, Manifest.sha256(content), content);
    }

    @Test
    void anImageIsItsConfigAndLayersWithoutForeignOnes() {
        Manifest manifest = image("{\"config\":{\"digest\":\"" + digest('c') + "\",\"size\":1200},\"layers\":["
                + "{\"digest\":\"" + digest('1') + "\",\"size\":3000000,\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\"},"
                + "{\"digest\":\"" + digest('2') + "\",\"size\":900000000,\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\"}]}");

        assertThat(ImageSize.of(mock(RegistryClient.class), REF, manifest)).isEqualTo(new ImageSize(3_001_200));
    }

    @Test
    void anIndexCountsEachBlobOfItsImagesOnce() {
        RegistryClient registry = mock(RegistryClient.class);
        Manifest amd64 = image("{\"config\":{\"digest\":\"" + digest('c') + "\",\"size\":100},\"layers\":["
                + "{\"digest\":\"" + digest('1') + "\",\"size\":1000,\"mediaType\":\"x\"}]}");
        Manifest arm64 = image("{\"config\":{\"digest\":\"" + digest('d') + "\",\"size\":100},\"layers\":["
                + "{\"digest\":\"" + digest('1') + "\",\"size\":1000,\"mediaType\":\"x\"}]}");
        when(registry.manifest(any())).thenReturn(amd64, arm64);
        byte[] index = ("{\"mediaType\":\"" + Manifest.OCI_INDEX + "\",\"manifests\":["
                + "{\"digest\":\"" + amd64.digest() + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
                + "{\"digest\":\"" + arm64.digest() + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(ImageSize.of(registry, REF, new Manifest(Manifest.OCI_INDEX, Manifest.sha256(index), index)))
                .isEqualTo(new ImageSize(1200));
    }

    @Test
    void readsInBinaryUnitsWithOneDecimal() {
        assertThat(new ImageSize(512).readable()).isEqualTo("512 B");
        assertThat(new ImageSize(1536).readable()).isEqualTo("1.5 KiB");
        assertThat(new ImageSize(4_404_019).readable()).isEqualTo("4.2 MiB");
        assertThat(new ImageSize(3L * 1024 * 1024 * 1024).readable()).isEqualTo("3.0 GiB");
    }
}
