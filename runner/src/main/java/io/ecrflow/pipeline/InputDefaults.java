package io.ecrflow.pipeline;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Objects;

/**
 * Lets every option {@code --foo-bar} also arrive as the task input {@code fooBar}, i.e. the environment
 * variable {@code INPUT_FOOBAR}, which is how the Azure Pipelines agent passes inputs to a task.
 * A value on the command line wins: picocli only applies defaults to options the command line left out.
 * With no such variable, or an empty one (the agent passes an input left empty as ""), picocli falls back to the
 * option's own default.
 */
public final class InputDefaults implements IDefaultValueProvider {
    private final Environment environment;

    public InputDefaults(Environment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        return environment.input(inputName(option.longestName())).filter(value -> !value.isEmpty())
                // picocli expands ${...} in default values; an input's text must arrive exactly as given.
                .map(value -> value.replace("${", "$${"))
                .orElse(null);
    }

    /** The task input an option stands for: {@code --tag-mutability} is {@code tagMutability}. */
    public static String inputName(String optionName) {
        String[] words = optionName.replaceFirst("^-+", "").split("-");
        StringBuilder name = new StringBuilder(words[0].toLowerCase(Locale.ROOT));
        for (int i = 1; i < words.length; i++) {
            if (!words[i].isEmpty()) {
                name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
        }
        return name.toString();
    }
}
