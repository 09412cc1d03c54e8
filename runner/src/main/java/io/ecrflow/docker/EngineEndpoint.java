package io.ecrflow.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which Docker Engine to talk to, decided as the docker CLI decides it: {@code DOCKER_HOST} (with
 * {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}) when set; otherwise the docker context named by
 * {@code DOCKER_CONTEXT} or the CLI configuration's {@code currentContext} (as Colima, rootless Docker
 * and Docker Desktop set up); otherwise the platform's default socket.
 *
 * @param tlsFolder the folder with {@code ca.pem}, {@code cert.pem} and {@code key.pem}, when TLS is verified
 * @param source    where the choice came from, for messages
 */
public record EngineEndpoint(String host, Optional<Path> tlsFolder, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static EngineEndpoint resolve(Map<String, String> env) {
        Optional<String> dockerHost = value(env, "DOCKER_HOST");
        if (dockerHost.isPresent()) {
            return new EngineEndpoint(dockerHost.get(), tlsVerify(env) ? Optional.of(certPath(env)) : Optional.empty(),
                    "DOCKER_HOST");
        }
        Optional<Path> config = CliEnvironment.userConfigDirectory(env);
        Optional<String> context = value(env, "DOCKER_CONTEXT").or(() -> config.flatMap(EngineEndpoint::currentContext));
        if (context.isPresent() && !context.get().equals("default")) {
            return fromContext(context.get(), config.orElseThrow(() -> new UserError("The docker context '" + context.get()
                    + "' cannot be looked up without HOME or DOCKER_CONFIG.")));
        }
        return new EngineEndpoint(defaultHost(), tlsVerify(env) ? Optional.of(certPath(env)) : Optional.empty(), "the default");
    }

    /** The variables that point a docker CLI with a config folder of its own at this engine. */
    Map<String, String> cliVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("DOCKER_HOST", host);
        tlsFolder.ifPresent(folder -> {
            variables.put("DOCKER_TLS_VERIFY", "1");
            variables.put("DOCKER_CERT_PATH", folder.toString());
        });
        return variables;
    }

    private static EngineEndpoint fromContext(String name, Path configFolder) {
        String id = sha256(name);
        Path meta = configFolder.resolve("contexts").resolve("meta").resolve(id).resolve("meta.json");
        String source = "docker context '" + name + "'";
        if (!Files.isRegularFile(meta)) {
            throw new UserError("The " + source + " (DOCKER_CONTEXT or currentContext in " + configFolder.resolve("config.json")
                    + ") does not exist in " + configFolder + ". Create it with `docker context create`, or set DOCKER_HOST.");
        }
        JsonNode docker;
        try {
            docker = JSON.readTree(meta.toFile()).path("Endpoints").path("docker");
        } catch (IOException e) {
            throw new UserError("The " + source + " cannot be read (" + meta + "): " + e.getMessage());
        }
        String host = docker.path("Host").asText("");
        if (host.isBlank()) {
            throw new UserError("The " + source + " names no Docker Engine (" + meta + "). Recreate it, or set DOCKER_HOST.");
        }
        Path tls = configFolder.resolve("contexts").resolve("tls").resolve(id).resolve("docker");
        boolean verify = !docker.path("SkipTLSVerify").asBoolean(false) && Files.isRegularFile(tls.resolve("ca.pem"));
        return new EngineEndpoint(host, verify ? Optional.of(tls) : Optional.empty(), source);
    }

    private static Optional<String> currentContext(Path configFolder) {
        Path config = configFolder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        try {
            String name = JSON.readTree(config.toFile()).path("currentContext").asText("");
            return name.isBlank() ? Optional.empty() : Optional.of(name);
        } catch (IOException e) {
            return Optional.empty(); // an unreadable config names no context; the CLI says the same
        }
    }

    /** As the docker CLI reads it: set to anything but {@code 0} or {@code false} means TLS, verified. */
    private static boolean tlsVerify(Map<String, String> env) {
        String flag = value(env, "DOCKER_TLS_VERIFY").orElse("");
        return !flag.isEmpty() && !flag.equals("0") && !flag.equalsIgnoreCase("false");
    }

    private static Path certPath(Map<String, String> env) {
        return value(env, "DOCKER_CERT_PATH").map(Path::of).orElseGet(() -> Path.of(
                value(env, "HOME").orElse(System.getProperty("user.home")), ".docker"));
    }

    private static String defaultHost() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                ? "npipe:////./pipe/docker_engine" : "unix:///var/run/docker.sock";
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String found = env.get(name);
        return found == null || found.isBlank() ? Optional.empty() : Optional.of(found.trim());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
