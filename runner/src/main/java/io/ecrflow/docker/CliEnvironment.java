package io.ecrflow.docker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The part of the runner's environment the docker CLI is given: what it needs to find its plugins and
 * reach the engine, and nothing else (no cloud keys, no pipeline variables).
 */
final class CliEnvironment {
    private static final List<String> INHERITED = List.of(
            "PATH", "HOME", "USER", "TMPDIR", "LANG", "LC_ALL",
            "DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");

    private CliEnvironment() {
    }

    /**
     * Names a build argument cannot have when its value travels in the CLI's environment: the CLI
     * itself reads them. Proxy variables are fine; they are build arguments Docker predefines.
     */
    static boolean isReservedForTheCli(String name) {
        return (INHERITED.contains(name) && !name.toUpperCase(Locale.ROOT).endsWith("_PROXY"))
                || name.startsWith("DOCKER_") || name.startsWith("BUILDX_");
    }

    static Map<String, String> inherited(Map<String, String> env) {
        Map<String, String> chosen = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                chosen.put(name, value);
            }
        }
        return chosen;
    }

    /** The CLI's own configuration folder: {@code DOCKER_CONFIG}, else {@code ~/.docker}. */
    static Optional<Path> userConfigDirectory(Map<String, String> env) {
        String configured = env.get("DOCKER_CONFIG");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured.trim()));
        }
        String home = env.get("HOME");
        return home == null || home.isBlank()
                ? Optional.empty() : Optional.of(Path.of(home, ".docker"));
    }
}
