package io.ecrflow.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where a registry's API is: over HTTPS, unless the user lists the host as insecure. Where a registry is,
 * even on this machine, never decides it: the scheme is the registry's, as the user states it.
 */
final class RegistryEndpoints {
    private final Set<String> insecure;

    RegistryEndpoints(Set<String> insecureRegistries) {
        this.insecure = Set.copyOf(insecureRegistries);
    }

    URI base(String registry) {
        RegistryHost host = RegistryHost.ofRegistry(registry);
        boolean plain = insecure.contains(host.name().toLowerCase(Locale.ROOT));
        return URI.create((plain ? "http" : "https") + "://" + host.apiHost());
    }

    /** Whether {@code url} (a whole URL, or a path) is on {@code registry}'s own host. */
    boolean onRegistry(String registry, String url) {
        URI uri = URI.create(url);
        return !uri.isAbsolute() || base(registry).getAuthority().equalsIgnoreCase(uri.getAuthority());
    }

    /**
     * The URI of {@code path}: below {@code /v2/<name>}, or absolute from {@code /v2/} on, or a whole URL. A
     * registry named with a path, as ECR Public's {@code public.ecr.aws/<alias>}, puts that path in front of
     * the repository: the distribution API knows only hosts and repository names.
     */
    URI uri(String registry, RepositoryName repository, String path) {
        boolean whole = path.startsWith("/v2/") || path.contains("://");
        return base(registry).resolve(whole ? path : "/v2/" + RegistryHost.namespaceOf(registry) + repository + path);
    }
}
