package io.ecrflow.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.ecr.RepositoryState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping a testbed. */
class TestbedStartTest {

    @Test
    void missingRegistryBinaryNamesThePackageToInstall(@TempDir Path dir) {
        TestbedConfig config = AwsClients.config().withRegistryBinary(dir.resolve("docker-registry"));

        assertThatThrownBy(() -> Testbed.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Install Debian's docker-registry package");
    }

    @Test
    void closingStopsEveryEndpoint() throws Exception {
        Testbed testbed = Testbed.start(AwsClients.config());
        String[] registry = testbed.registryHost().split(":");
        int controlPlanePort = testbed.ecrEndpoint().getPort();

        testbed.close();

        assertThat(canConnect(Integer.parseInt(registry[1]))).isFalse();
        assertThat(canConnect(controlPlanePort)).isFalse();
    }

    @Test
    void directlyCreatedRepositoryUsesEcrDefaults() {
        try (Testbed testbed = Testbed.start(AwsClients.config())) {
            RepositoryState state = testbed.createRepository("direct/app");

            assertThat(state.mutability()).isEqualTo("MUTABLE");
            assertThat(state.scanOnPush()).isFalse();
            assertThat(state.encryptionType()).isEqualTo("AES256");
            assertThat(state.uri()).isEqualTo(testbed.registryHost() + "/direct/app");
            assertThat(testbed.repositories()).extracting(RepositoryState::name).containsExactly("direct/app");
            assertThat(testbed.tagsOf("direct/app")).isEmpty();
            assertThat(testbed.manifestDigest("direct/app", "latest")).isEmpty();
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
