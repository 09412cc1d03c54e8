package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP only for hosts the user names as insecure; where a registry runs never decides the scheme. */
class RegistryEndpointsTest {
    private final RegistryEndpoints endpoints = new RegistryEndpoints(Set.of("registry.internal:5000"));

    @Test
    void loopbackRegistriesAreReachedOverHttpsLikeAnyOther() {
        assertThat(endpoints.base("127.0.0.1:5000")).hasToString("https://127.0.0.1:5000");
        assertThat(endpoints.base("localhost:5000")).hasToString("https://localhost:5000");
        assertThat(endpoints.base("[::1]:5000")).hasToString("https://[::1]:5000");
    }

    @Test
    void everyOtherRegistryIsReachedOverHttpsUnlessListedAsInsecure() {
        assertThat(endpoints.base("mcr.microsoft.com")).hasToString("https://mcr.microsoft.com");
        assertThat(endpoints.base("128.0.0.1:5000")).hasToString("https://128.0.0.1:5000");
        assertThat(endpoints.base("localhost.example.com")).hasToString("https://localhost.example.com");
        assertThat(endpoints.base("registry.internal:5000")).hasToString("http://registry.internal:5000");
        assertThat(endpoints.base("Registry.Internal:5000")).hasToString("http://Registry.Internal:5000");
        assertThat(endpoints.base("123456789012.dkr.ecr.us-east-1.ecrflow.test:8443"))
                .hasToString("https://123456789012.dkr.ecr.us-east-1.ecrflow.test:8443");
    }

    @Test
    void dockerHubsApiLivesAtRegistry1() {
        assertThat(endpoints.base("docker.io")).hasToString("https://registry-1.docker.io");
    }
}
