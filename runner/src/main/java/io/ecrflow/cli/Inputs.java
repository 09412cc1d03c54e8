package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.tagging.ListInput;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small rules every command applies to raw option values. */
final class Inputs {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smh]?)");

    private Inputs() {
    }

    /** Blank means "not given", as an empty task input does. */
    static Optional<String> text(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    static String required(String value, String input) {
        return text(value).orElseThrow(() -> new UserError("Input '" + input + "' is required: set it in the task, "
                + "or pass --" + Options.dashed(input) + " (or the INPUT_" + input.toUpperCase() + " environment variable).", input));
    }

    /** The required {@code repository} input; capitals are lowered with a warning, as ECR names are lower case. */
    static RepositoryName repository(String value, Pipeline pipeline) {
        RepositoryName name = RepositoryName.fromInput(required(value, "repository"), "repository");
        if (!name.value().equals(value.trim())) {
            pipeline.warning("Repository name '" + value.trim() + "' was lowered to '" + name
                    + "': ECR repository names are lower case.");
        }
        return name;
    }

    /** List options accept repeated options, commas and newlines alike. */
    static List<String> list(List<String> values) {
        List<String> items = new ArrayList<>();
        if (values != null) {
            values.forEach(v -> items.addAll(ListInput.split(v)));
        }
        return items;
    }

    /**
     * A list option that must not be given empty: text that holds only separators ({@code --tags ' , , '}) is a
     * mistake, not a request for the defaults.
     */
    static List<String> list(List<String> values, String input) {
        List<String> items = list(values);
        boolean written = values != null && values.stream().anyMatch(value -> value != null && !value.isBlank());
        if (written && items.isEmpty()) {
            throw new UserError("Input '" + input + "' holds only commas and spaces, no item. Give at least one, "
                    + "or leave the input out for its default.", input);
        }
        return items;
    }

    /**
     * The value of an option that declares its default: picocli fills it in when the option is left out, and
     * {@link OptionDefaults#applyToBlanks} when it is given empty, so no value here is a missing declaration.
     */
    private static String declared(String value, String input) {
        return text(value).orElseThrow(() -> new IllegalStateException("option --" + Options.dashed(input)
                + " has no value: its declaration gives no default"));
    }

    /** Task inputs carry booleans as text; a bare flag arrives as "true". */
    static boolean bool(String value, String input) {
        String given = declared(value, input);
        return switch (given.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new UserError("Input '" + input + "' is '" + given + "'; use true or false.", input);
        };
    }

    /** A length of time as users write it: seconds (3600), or a number with s, m or h (90s, 60m, 2h); never zero. */
    static Duration duration(String value, String input) {
        String given = declared(value, input);
        Matcher matcher = DURATION.matcher(given.toLowerCase(java.util.Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new UserError("Input '" + input + "' is '" + given + "'; give seconds (3600) or a number with "
                    + "s, m or h (90s, 60m, 2h), at least one second.", input);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** A whole number from {@code min} to {@code max}. */
    static int number(String value, int min, int max, String input) {
        String given = declared(value, input);
        try {
            int number = Integer.parseInt(given);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // same message as out of range
        }
        throw new UserError("Input '" + input + "' is '" + given + "'; use a whole number from " + min + " to " + max + ".", input);
    }

    static <E extends Enum<E>> E choice(String value, Class<E> type, String input) {
        String given = declared(value, input);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(given.replace('-', '_'))) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name());
        }
        throw new UserError("Input '" + input + "' is '" + given + "'; allowed values are " + allowed + ".", input);
    }
}
