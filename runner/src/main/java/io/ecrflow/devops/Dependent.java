package io.ecrflow.devops;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.ShellWords;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One pipeline to queue after a new platform image version, as a line of the {@code dependents} input:
 * {@code <pipeline id or name>[@<branch>] [name=value ...]}, e.g. {@code 42@main baseTag=6.0} or {@code web-shop}.
 * Words are read as a POSIX shell reads them, so a value with blanks is quoted ({@code note='new base'}). A
 * pipeline in a folder is {@code Apps/web-shop} (the folder's backslashes may be written as slashes); without a
 * branch the pipeline's default branch is built.
 *
 * @param pipeline   the pipeline's id (digits) or name, with its folder when given
 * @param branch     the branch to build ({@code main}, or a full {@code refs/...} name); empty for the default
 * @param parameters the run's template parameters, in the order given
 */
public record Dependent(String pipeline, Optional<String> branch, Map<String, String> parameters) {
    public static final String INPUT = "dependents";
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    public Dependent {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses one line of the input.
     *
     * @throws UserError naming the line and what is wrong with it
     */
    public static Dependent parse(String line) {
        List<String> words = ShellWords.split(line.strip(), INPUT);
        if (words.isEmpty() || words.get(0).isBlank()) {
            throw invalid(line, "it names no pipeline");
        }
        String first = words.get(0);
        int at = first.indexOf('@');
        String pipeline = (at < 0 ? first : first.substring(0, at)).strip();
        Optional<String> branch = at < 0 ? Optional.empty() : Optional.of(first.substring(at + 1).strip());
        if (pipeline.isEmpty()) {
            throw invalid(line, "it names no pipeline before the @");
        }
        if (branch.filter(String::isEmpty).isPresent()) {
            throw invalid(line, "it names no branch after the @; leave the @ out for the pipeline's default branch");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String word : words.subList(1, words.size())) {
            int equals = word.indexOf('=');
            String name = equals < 0 ? word : word.substring(0, equals);
            if (equals < 0 || !PARAMETER_NAME.matcher(name).matches()) {
                throw invalid(line, "'" + word + "' is not a template parameter written name=value");
            }
            if (parameters.put(name, word.substring(equals + 1)) != null) {
                throw invalid(line, "it gives the parameter '" + name + "' twice");
            }
        }
        return new Dependent(pipeline, branch, parameters);
    }

    /** Every line of the input; blank lines and lines starting with {@code #} are skipped. */
    public static List<Dependent> parseAll(List<String> lines) {
        return lines.stream().flatMap(String::lines).map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(Dependent::parse).toList();
    }

    /** The pipeline's id when the line gives one. */
    public OptionalInt id() {
        return ID.matcher(pipeline).matches() ? OptionalInt.of(Integer.parseInt(pipeline)) : OptionalInt.empty();
    }

    /** The branch as the Runs API takes it ({@code refs/heads/main}); empty for the pipeline's default branch. */
    public Optional<String> refName() {
        return branch.map(b -> b.startsWith("refs/") ? b : "refs/heads/" + b);
    }

    /** The line as it would be written, for messages: {@code 42@main baseTag=6.0}. */
    public String describe() {
        String parameterText = parameters.entrySet().stream().map(e -> " " + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining());
        return pipeline + branch.map(b -> "@" + b).orElse("") + parameterText;
    }

    private static UserError invalid(String line, String why) {
        return new UserError("The line '" + line.strip() + "' of input '" + INPUT + "' cannot be read: " + why + ". Write one "
                + "pipeline per line as <pipeline id or name>[@<branch>] [name=value ...], e.g. 42@main baseTag=6.0.", INPUT);
    }
}
