package io.ecrflow.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where a registry's API is. Docker Hub's API lives at {@code registry-1.docker.io}. Plain HTTP is used
 * for loopback hosts (localhost, 127.0.0.0/8, ::1) — the same rule the Docker Engine applies — and for
 * hosts the user lists as insecure; every other registry is reached over HTTPS.
 */
final class RegistryEndpoints {
    private final Set<String> insecure;

    RegistryEndpoints(Set<String> insecureRegistries) {
        this.insecure = Set.copyOf(insecureRegistries);
    }

    URI base(String registry) {
        String host = registry.equals(ReferenceSyntax.DOCKER_HUB) ? "registry-1.docker.io" : registry;
        String scheme = isLoopback(host) || insecure.contains(registry.toLowerCase(Locale.ROOT)) ? "http" : "https";
        return URI.create(scheme + "://" + host);
    }

    static boolean isLoopback(String hostAndPort) {
        String host = hostAndPort.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            return host.startsWith("[::1]");
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        return host.equals("localhost") || host.matches("127(\\.\\d{1,3}){3}");
    }
}
