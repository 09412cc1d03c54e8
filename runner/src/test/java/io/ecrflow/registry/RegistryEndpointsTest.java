package io.ecrflow.registry;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP only where the Docker Engine uses it too: loopback, and hosts the user names as insecure. */
class RegistryEndpointsTest {
    private final RegistryEndpoints endpoints = new RegistryEndpoints(Set.of("registry.internal:5000"));

    @Test
    void loopbackRegistriesAreReachedOverHttp() {
        assertThat(endpoints.base("127.0.0.1:5000")).hasToString("http://127.0.0.1:5000");
        assertThat(endpoints.base("127.3.4.5")).hasToString("http://127.3.4.5");
        assertThat(endpoints.base("localhost:5000")).hasToString("http://localhost:5000");
        assertThat(endpoints.base("[::1]:5000")).hasToString("http://[::1]:5000");
    }

    @Test
    void everyOtherRegistryIsReachedOverHttpsUnlessListedAsInsecure() {
        assertThat(endpoints.base("mcr.microsoft.com")).hasToString("https://mcr.microsoft.com");
        assertThat(endpoints.base("128.0.0.1:5000")).hasToString("https://128.0.0.1:5000");
        assertThat(endpoints.base("localhost.example.com")).hasToString("https://localhost.example.com");
        assertThat(endpoints.base("registry.internal:5000")).hasToString("http://registry.internal:5000");
    }

    @Test
    void dockerHubsApiLivesAtRegistry1() {
        assertThat(endpoints.base("docker.io")).hasToString("https://registry-1.docker.io");
    }
}
