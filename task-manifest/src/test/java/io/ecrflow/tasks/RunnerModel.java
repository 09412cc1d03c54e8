package io.ecrflow.tasks;

import io.ecrflow.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runner's commands and options, read from its picocli model: the contract the task manifests must follow. */
final class RunnerModel {
    private RunnerModel() {
    }

    /** One option, e.g. {@code --scan-on-push}, with what its help says. */
    record Option(String longName, String description, String paramLabel, String arity, Optional<String> declaredDefault) {
        /** The contract's spelling: option {@code --foo-bar} is task input {@code fooBar}. */
        String inputName() {
            String[] words = longName.substring(2).split("-");
            StringBuilder name = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return name.toString();
        }

        /** Options written {@code --flag[=BOOL]}: a bare flag means true, task inputs pass true or false. */
        boolean isBoolean() {
            return arity.equals("0..1") && paramLabel.equals("BOOL");
        }

        /** The values a choice option lists in its label, e.g. {@code auto|buildkit|engine}. */
        List<String> choices() {
            return List.of(paramLabel.split("\\|"));
        }

        /**
         * The default the help text states ("... Default: true."), if any: the declared default as help shows it,
         * or words for a default that is no value of the option (the Dockerfile's folder).
         */
        Optional<String> describedDefault() {
            int at = description.lastIndexOf("Default: ");
            if (at < 0) {
                return Optional.empty();
            }
            String value = description.substring(at + "Default: ".length()).trim();
            return Optional.of(value.endsWith(".") ? value.substring(0, value.length() - 1) : value);
        }
    }

    /** The option's default as picocli applies it: its {@code defaultValue}, or the value its field is made with. */
    private static Optional<String> declaredDefault(OptionSpec spec) {
        return Optional.ofNullable(spec.defaultValue())
                .or(() -> Optional.ofNullable(spec.initialValue()).filter(String.class::isInstance).map(String.class::cast));
    }

    /** Every command with its options, leaving out the standard --help and --version. */
    static Map<String, List<Option>> commands() {
        Map<String, List<Option>> commands = new LinkedHashMap<>();
        new CommandLine(new Main()).getSubcommands().forEach((name, command) -> {
            List<Option> options = new ArrayList<>();
            for (OptionSpec spec : command.getCommandSpec().options()) {
                if (spec.usageHelp() || spec.versionHelp()) {
                    continue;
                }
                options.add(new Option(spec.longestName(), String.join(" ", spec.description()), spec.paramLabel(),
                        spec.arity().toString(), declaredDefault(spec)));
            }
            commands.put(name, options);
        });
        return commands;
    }

    static List<Option> options(String command) {
        List<Option> options = commands().get(command);
        if (options == null) {
            throw new IllegalArgumentException("the runner has no command " + command + "; it has " + commands().keySet());
        }
        return options;
    }
}
