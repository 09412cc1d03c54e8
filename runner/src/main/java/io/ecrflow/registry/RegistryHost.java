package io.ecrflow.registry;

import java.util.Objects;

/**
 * A registry's host (with port), as image references name it: {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com},
 * {@code mcr.microsoft.com}, {@code 127.0.0.1:5000}, or {@code docker.io}. It knows what a plain string cannot:
 * where the host's API is and the name Docker keeps its credentials under.
 */
public record RegistryHost(String name) {
    static final String DOCKER_HUB = "docker.io";

    public RegistryHost {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("not a registry host: " + name);
        }
    }

    public static RegistryHost of(String name) {
        return new RegistryHost(name);
    }

    /**
     * The host of a registry as a login names it: ECR Public's is {@code public.ecr.aws/<alias>}, whose host
     * is {@code public.ecr.aws} and whose alias is the first part of every repository path.
     */
    public static RegistryHost ofRegistry(String registry) {
        int slash = registry.indexOf('/');
        return new RegistryHost(slash < 0 ? registry : registry.substring(0, slash));
    }

    /** What a registry's name puts in front of repository paths: {@code "<alias>/"} for ECR Public, else nothing. */
    static String namespaceOf(String registry) {
        int slash = registry.indexOf('/');
        return slash < 0 ? "" : registry.substring(slash + 1) + "/";
    }

    public boolean isDockerHub() {
        return name.equals(DOCKER_HUB);
    }

    /** Docker Hub's API lives at {@code registry-1.docker.io}; every other registry's at its own host. */
    String apiHost() {
        return isDockerHub() ? "registry-1.docker.io" : name;
    }

    /** The key the docker CLI and the engine keep this registry's credentials under (Docker Hub: its legacy index). */
    public String credentialKey() {
        return isDockerHub() ? "https://index.docker.io/v1/" : name;
    }

    @Override
    public String toString() {
        return name;
    }
}
