package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The process environment as the runner reads it: inputs, pipeline variables and service connections,
 * looked up the way Microsoft's task library does, but case-insensitively. The agent upper-cases whole
 * variable names while a service connection id arrives in lower case as an input's value, so
 * {@code ENDPOINT_AUTH_PARAMETER_<ID>_USERNAME} must match whatever case the id was given in.
 * A blank value counts as absent: the agent sets every declared input, empty when the user left it out.
 */
public final class Environment {
    private final Map<String, String> original;
    private final Map<String, String> values;

    private Environment(Map<String, String> source) {
        Map<String, String> copy = new TreeMap<>();
        source.forEach((name, value) -> {
            if (name != null && value != null) {
                copy.put(name, value);
            }
        });
        this.original = Collections.unmodifiableMap(copy);
        TreeMap<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        // On Linux "Foo" and "FOO" can both exist; prefer the agent's upper-case spelling so lookups are stable.
        original.forEach((name, value) -> {
            if (!byName.containsKey(name) || isUpperCase(name)) {
                byName.put(name, value);
            }
        });
        this.values = byName;
    }

    /** The environment of this process. */
    public static Environment system() {
        return new Environment(System.getenv());
    }

    public static Environment of(Map<String, String> variables) {
        return new Environment(variables);
    }

    /**
     * Every variable with its name as given, for handing on to libraries that read the environment
     * themselves (the AWS SDK, the Docker client). It holds secrets: never print it.
     */
    public Map<String, String> asMap() {
        return original;
    }

    /** An environment variable by name, any case; empty when unset or blank. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(value -> !value.isBlank());
    }

    /** The task input {@code name} ({@code INPUT_<NAME>}), trimmed as the task library does. */
    public Optional<String> input(String name) {
        return firstOf("INPUT_", name).map(String::trim);
    }

    /**
     * A file path input's value, or nothing when the user left the input empty: for an input of type
     * {@code filePath} the agent then passes the sources folder ({@code Build.SourcesDirectory}, else
     * {@code System.DefaultWorkingDirectory}), which the task library's {@code filePathSupplied} also tells apart.
     */
    public Optional<String> suppliedFilePath(String value) {
        Optional<String> agentDefault = variable("Build.SourcesDirectory").or(() -> variable("System.DefaultWorkingDirectory"));
        boolean defaulted = agentDefault.map(folder -> stripSlash(folder.trim()).equals(stripSlash(value.trim()))).orElse(false);
        return defaulted ? Optional.empty() : Optional.of(value);
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && (path.endsWith("/") || path.endsWith("\\")) ? path.substring(0, path.length() - 1) : path;
    }

    /** A task input that carries a credential; it never leaves the runner as a plain string. */
    public Optional<Secret> secretInput(String name) {
        return input(name).map(Secret::of);
    }

    /** A pipeline variable by its dotted name: {@code Build.BuildId} is read from {@code BUILD_BUILDID}. */
    public Optional<String> variable(String name) {
        return firstOf("", name);
    }

    /** {@code ENDPOINT_AUTH_PARAMETER_<ID>_<KEY>}: a service connection's credential field, e.g. {@code username}. */
    public Optional<Secret> endpointAuthParameter(String endpointId, String key) {
        return firstOf("ENDPOINT_AUTH_PARAMETER_" + endpointId.trim() + "_", key).map(Secret::of);
    }

    /** {@code ENDPOINT_DATA_<ID>_<KEY>}: a service connection's non-secret field, e.g. {@code region}. */
    public Optional<String> endpointData(String endpointId, String key) {
        return firstOf("ENDPOINT_DATA_" + endpointId.trim() + "_", key);
    }

    /**
     * The job's access token ({@code System.AccessToken}). A task step receives it as the {@code AccessToken} of
     * the job's own service connection, {@code SystemVssConnection} (what the task library's
     * {@code getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken')} reads); a script step only
     * when the pipeline maps it into the step's env as {@code SYSTEM_ACCESSTOKEN}.
     */
    public Optional<Secret> jobAccessToken() {
        return endpointAuthParameter("SystemVssConnection", "AccessToken")
                .or(() -> get("SYSTEM_ACCESSTOKEN").map(Secret::of));
    }

    /** Whether a variable ({@code System.Debug} or {@code TF_BUILD}) is set to {@code true}, in any case. */
    public boolean isTrue(String name) {
        return variable(name).map(value -> value.trim().equalsIgnoreCase("true")).orElse(false);
    }

    /**
     * The agent writes a name with '.' and ' ' replaced by '_' (its VarUtil.ConvertToEnvVariableFormat);
     * some agents and hand-made environments also replace '-', so that spelling is tried second.
     */
    private Optional<String> firstOf(String prefix, String name) {
        for (String candidate : spellings(prefix + name)) {
            Optional<String> value = get(candidate);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    static List<String> spellings(String name) {
        String agentForm = name.replace('.', '_').replace(' ', '_').toUpperCase(Locale.ROOT);
        LinkedHashSet<String> names = new LinkedHashSet<>();
        names.add(agentForm);
        names.add(agentForm.replace('-', '_'));
        return new ArrayList<>(names);
    }

    private static boolean isUpperCase(String name) {
        return name.equals(name.toUpperCase(Locale.ROOT));
    }
}
