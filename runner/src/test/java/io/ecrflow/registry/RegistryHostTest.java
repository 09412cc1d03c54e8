package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryHostTest {

    @Test
    void dockerHubKeepsItsCredentialsUnderTheLegacyIndexAndOthersUnderTheirHost() {
        assertThat(ImageRef.parse("ubuntu").host().credentialKey()).isEqualTo("https://index.docker.io/v1/");
        assertThat(ImageRef.parse("mcr.microsoft.com/dotnet/runtime:8.0").host().credentialKey())
                .isEqualTo("mcr.microsoft.com");
    }

    @Test
    void aHostIsNeverBlankNorAPath() {
        assertThatThrownBy(() -> RegistryHost.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryHost.of("example.com/team")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEcrPublicRegistryIsItsHostWithTheAliasInFrontOfEveryRepository() {
        assertThat(RegistryHost.ofRegistry("public.ecr.aws/a1b2c3d4").name()).isEqualTo("public.ecr.aws");
        assertThat(RegistryHost.namespaceOf("public.ecr.aws/a1b2c3d4")).isEqualTo("a1b2c3d4/");
        assertThat(RegistryHost.namespaceOf("123456789012.dkr.ecr.eu-west-1.amazonaws.com")).isEmpty();
        assertThat(new RegistryEndpoints(java.util.Set.of()).uri("public.ecr.aws/a1b2c3d4", new RepositoryName("web"),
                "/manifests/v1")).hasToString("https://public.ecr.aws/v2/a1b2c3d4/web/manifests/v1");
    }
}
