package io.ecrflow.cli;

import io.ecrflow.pipeline.InputDefaults;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An option's default lives in its declaration only: the {@code defaultValue} of its {@code @Option}, or, where
 * commands share an option but not its default, the value its mixin is made with. Help shows it as
 * {@code ${DEFAULT-VALUE}}, the task manifests are checked against it, and the code reads the option's value.
 */
final class OptionDefaults {
    private OptionDefaults() {
    }

    /** The default the option declares, if it declares one. */
    static Optional<String> of(OptionSpec option) {
        return Optional.ofNullable(option.defaultValue()).or(() -> Optional.ofNullable(option.initialValue())
                .filter(String.class::isInstance).map(String.class::cast));
    }

    /** An option given empty (as an empty task input) is an option left out: it takes its declared default. */
    static void applyToBlanks(CommandSpec command) {
        for (OptionSpec option : command.options()) {
            Object value = option.getValue();
            if (value instanceof String text && text.isBlank()) {
                of(option).ifPresent(option::setValue);
            } else if (value instanceof Collection<?> items && !items.isEmpty()
                    && items.stream().allMatch(item -> String.valueOf(item).isBlank())) {
                of(option).ifPresent(declared -> option.setValue(new ArrayList<>(List.of(declared))));
            }
        }
    }

    /**
     * The inputs among {@code options} that ask for something: given, and not at their declared default (the agent
     * passes every input, at its default when the pipeline leaves it out).
     */
    static List<String> given(CommandSpec command, String... options) {
        List<String> given = new ArrayList<>();
        for (String name : options) {
            OptionSpec option = command.findOption(name);
            if (option == null) {
                throw new IllegalArgumentException("no option " + name);
            }
            if (isGiven(option)) {
                given.add(InputDefaults.inputName(option.longestName()));
            }
        }
        return given;
    }

    /** {@link #given(CommandSpec, String...)} over every option of a mixin. */
    static List<String> given(CommandSpec mixin) {
        return given(mixin, mixin.options().stream().map(OptionSpec::longestName).toArray(String[]::new));
    }

    private static boolean isGiven(OptionSpec option) {
        Object value = option.getValue();
        if (value instanceof Collection<?> items) {
            return !Inputs.list(items.stream().map(String::valueOf).toList()).isEmpty();
        }
        Optional<String> text = Inputs.text((String) value);
        return text.isPresent() && !text.get().equalsIgnoreCase(of(option).map(String::trim).orElse(""));
    }
}
