package io.ecrflow.aws;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SdkEcrTest {

    @Test
    void theRegistryHostIsTheProxyEndpointsAuthorityUnderAnyDomain() {
        assertThat(SdkEcr.registryHost("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
                .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assertThat(SdkEcr.registryHost("https://123456789012.dkr.ecr.us-east-1.ecrflow.test:8443"))
                .isEqualTo("123456789012.dkr.ecr.us-east-1.ecrflow.test:8443");
    }

    @Test
    void aProxyEndpointThatIsNotHttpsIsRefusedRatherThanReachedOverHttps() {
        assertThatThrownBy(() -> SdkEcr.registryHost("http://127.0.0.1:5000")).isInstanceOf(UserError.class)
                .hasMessageContaining("http://127.0.0.1:5000, which is not HTTPS");
    }
}
