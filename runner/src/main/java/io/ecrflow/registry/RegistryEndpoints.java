package io.ecrflow.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where a registry's API is. Plain HTTP is used for loopback hosts — the same rule the Docker Engine
 * applies — and for hosts the user lists as insecure; every other registry is reached over HTTPS.
 */
final class RegistryEndpoints {
    private final Set<String> insecure;

    RegistryEndpoints(Set<String> insecureRegistries) {
        this.insecure = Set.copyOf(insecureRegistries);
    }

    URI base(String registry) {
        RegistryHost host = RegistryHost.of(registry);
        boolean plain = host.isLoopback() || insecure.contains(registry.toLowerCase(Locale.ROOT));
        return URI.create((plain ? "http" : "https") + "://" + host.apiHost());
    }
}
