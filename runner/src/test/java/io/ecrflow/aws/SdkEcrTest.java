package io.ecrflow.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SdkEcrTest {

    @Test
    void theRegistryHostIsTheProxyEndpointsAuthority() {
        assertThat(SdkEcr.registryHost("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
                .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assertThat(SdkEcr.registryHost("http://127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
    }
}
