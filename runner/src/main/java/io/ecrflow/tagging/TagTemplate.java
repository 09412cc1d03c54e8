package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.RunValues;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag as the user wrote it: literal text with pipeline variables in Azure Pipelines' macro syntax,
 * {@code $(Build.BuildId)}, optionally cut to the first N characters: {@code $(Build.SourceVersion:8)}.
 * In Azure Pipelines the agent expands known macros before the runner starts; this expands what is
 * left, and does the whole job in other CIs. The names every CI fills ({@code $(commit:8)},
 * {@code $(branch)}, {@code $(pipelineNumber)}, see {@link io.ecrflow.pipeline.RunValues}) work everywhere,
 * and CircleCI's own spelling of three of them too: {@code 0.1.<< pipeline.number >>} (which CircleCI
 * normally fills in itself before the job starts), {@code << pipeline.git.revision >>},
 * {@code << pipeline.git.branch >>}.
 */
public final class TagTemplate {
    static final String INPUT = "tags";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([^)]*)\\)|<<([^>]*)>>");
    /** CircleCI pipeline values by the name of the run value they are. */
    private static final Map<String, String> CIRCLECI_VALUES = Map.of(
            "pipeline.number", "pipelineNumber", "pipeline.git.revision", "commit", "pipeline.git.branch", "branch");
    private static final Pattern VARIABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)(?::(\\d+))?");

    private final String text;
    private final List<Part> parts;

    private TagTemplate(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses a template; a malformed {@code $(...)} is the user's to fix. */
    public static TagTemplate parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Part> parts = new ArrayList<>();
        Matcher reference = REFERENCE.matcher(text);
        int literalStart = 0;
        while (reference.find()) {
            if (reference.group(2) != null) {
                addLiteral(parts, text.substring(literalStart, reference.start()), text);
                parts.add(new Variable(circleCiValue(reference.group(2).trim(), text, reference.group()), Integer.MAX_VALUE));
                literalStart = reference.end();
                continue;
            }
            Matcher variable = VARIABLE.matcher(reference.group(1).trim());
            if (!variable.matches()) {
                throw malformed(text, reference.group());
            }
            addLiteral(parts, text.substring(literalStart, reference.start()), text);
            int length = variable.group(2) == null ? Integer.MAX_VALUE : positive(variable.group(2), text, reference.group());
            parts.add(new Variable(variable.group(1), length));
            literalStart = reference.end();
        }
        addLiteral(parts, text.substring(literalStart), text);
        return new TagTemplate(text, List.copyOf(parts));
    }

    public String text() {
        return text;
    }

    /** Names of the pipeline variables this template reads, in order of use. */
    public List<String> variables() {
        return parts.stream().filter(Variable.class::isInstance).map(part -> ((Variable) part).name()).toList();
    }

    /**
     * The template with every variable replaced by its value.
     *
     * @throws UserError when a variable is not set (or empty): a tag must not silently lose a part
     */
    public String expand(Function<String, Optional<String>> variables) {
        StringBuilder expanded = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                expanded.append(literal.text());
            } else if (part instanceof Variable variable) {
                String value = variables.apply(variable.name())
                        .filter(v -> !v.isEmpty())
                        .orElseThrow(() -> unset(variable.name()));
                expanded.append(value, 0, Math.min(value.length(), variable.length()));
            }
        }
        return expanded.toString();
    }

    private UserError unset(String name) {
        String fix = RunValues.NAMES.contains(name)
                ? "This CI does not provide it: set " + RunValues.fallbackVariable(name) + ", or change the tag template."
                : "Set the variable, or change the tag template.";
        return new UserError("Tag template '" + text + "' uses variable " + name + ", which is not set in this pipeline. "
                + fix, INPUT);
    }

    @Override
    public String toString() {
        return text;
    }

    private static void addLiteral(List<Part> parts, String literal, String text) {
        for (String opening : List.of("$(", "<<")) {
            if (literal.contains(opening)) {
                throw malformed(text, literal.substring(literal.indexOf(opening)));
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal));
        }
    }

    private static String circleCiValue(String name, String text, String reference) {
        String value = CIRCLECI_VALUES.get(name);
        if (value == null) {
            throw new UserError("Tag template '" + text + "' has '" + reference + "', a CircleCI value ecrflow cannot "
                    + "read: CircleCI fills in << pipeline.parameters.* >> and the like itself, in config.yml. Use "
                    + "<< pipeline.number >>, << pipeline.git.revision >>, << pipeline.git.branch >> or $(Variable.Name).",
                    INPUT);
        }
        return value;
    }

    private static int positive(String digits, String text, String reference) {
        try {
            int length = Integer.parseInt(digits);
            if (length > 0) {
                return length;
            }
        } catch (NumberFormatException tooLong) {
            // falls through to the same message as zero
        }
        throw malformed(text, reference);
    }

    private static UserError malformed(String text, String reference) {
        return new UserError("Tag template '" + text + "' has '" + reference + "', which is not a variable reference. "
                + "Write $(Variable.Name), or $(Variable.Name:8) for its first 8 characters.", INPUT);
    }

    private sealed interface Part permits Literal, Variable {
    }

    private record Literal(String text) implements Part {
    }

    private record Variable(String name, int length) implements Part {
    }
}
