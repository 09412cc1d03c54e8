package io.ecrflow.docker;

import io.ecrflow.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A BuildKit build secret ({@code docker build --secret}): the id a Dockerfile mounts with
 * {@code RUN --mount=type=secret,id=<id>}, and where its value comes from, an environment variable of the step
 * or a file. Only the variable's name or the file's path go on the docker CLI's command line; BuildKit mounts
 * the value for that one RUN and keeps it out of every layer and the image's history.
 *
 * @param environmentVariable where the value is, for {@code id=…,env=NAME}
 * @param file                where the value is, for {@code id=…,src=PATH}
 */
public record BuildSecret(String id, Optional<String> environmentVariable, Optional<Path> file) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String INPUT = "secrets";

    /**
     * {@code id=npm,env=NPM_TOKEN} or {@code id=npmrc,src=.npmrc} (a path relative to the working folder), as
     * {@code docker build --secret} takes them.
     */
    public static BuildSecret parse(String text, Path workingDirectory) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw malformed(text);
            }
            String key = part.substring(0, equals).trim();
            fields.put(key.equals("source") ? "src" : key, part.substring(equals + 1).trim());
        }
        String id = fields.remove("id");
        String variable = fields.remove("env");
        String source = fields.remove("src");
        if (id == null || !ID.matcher(id).matches() || !fields.isEmpty() || (variable == null) == (source == null)) {
            throw malformed(text);
        }
        if (variable != null) {
            if (!VARIABLE.matcher(variable).matches()) {
                throw new UserError("Build secret '" + id + "' names the environment variable '" + variable + "', which is "
                        + "not a variable name.", INPUT);
            }
            return new BuildSecret(id, Optional.of(variable), Optional.empty());
        }
        Path file = workingDirectory.resolve(source).normalize();
        if (!Files.isRegularFile(file)) {
            throw new UserError("Build secret '" + id + "' takes its value from " + file + ", which is not a file. Fix the "
                    + "path (relative to the working folder), or use env=NAME.", INPUT);
        }
        return new BuildSecret(id, Optional.empty(), Optional.of(file));
    }

    /** The value of {@code --secret}: names where the value is, never the value. */
    String cliValue() {
        return "id=" + id + environmentVariable.map(name -> ",env=" + name)
                .orElseGet(() -> ",src=" + file.orElseThrow().toAbsolutePath());
    }

    private static UserError malformed(String text) {
        // the text names a variable or a file, not a value: it may be shown
        return new UserError("Build secret '" + text + "' is not id=<id>,env=<VARIABLE> or id=<id>,src=<file>, e.g. "
                + "id=npm,env=NPM_TOKEN. The Dockerfile mounts it with RUN --mount=type=secret,id=<id>.", INPUT);
    }
}
