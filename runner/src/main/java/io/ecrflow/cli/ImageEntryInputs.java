package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.InputDefaults;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One image of an images file as the command's own inputs: each option takes the image's setting, else the
 * file's default, else what the step itself was given (its command line or task input), so every image goes
 * through exactly the parsing, defaults and messages of a single-image run, and an input the command gains
 * is a key of the file with nothing more to write.
 */
final class ImageEntryInputs implements IDefaultValueProvider {
    /** Inputs of the run as a whole: one connection to ECR, and which of the file's images run, how many at once. */
    private static final Set<String> RUN_INPUTS = Set.of(ImagesFile.INPUT, "parallel", "imageIds");
    private static final String AWS_MIXIN = "aws";

    private final ImagesFile file;
    private final ImagesFile.Entry entry;
    private final CommandSpec step;

    /** @param step the command as the step was started, whose values lie under the file's */
    ImageEntryInputs(ImagesFile file, ImagesFile.Entry entry, CommandSpec step) {
        this.file = file;
        this.entry = entry;
        this.step = step;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        // an empty key is a key left out, as an empty task input is
        Optional<String> text = setting(InputDefaults.inputName(option.longestName())).map(ImagesFile.Setting::text)
                .filter(value -> !value.isBlank()).or(() -> stepValue(option));
        // picocli expands ${...} in default values; an input's text must arrive exactly as given.
        return text.map(value -> value.replace("${", "$${")).orElse(null);
    }

    private Optional<ImagesFile.Setting> setting(String input) {
        return Optional.ofNullable(entry.settings().get(input)).or(() -> Optional.ofNullable(file.defaults().get(input)));
    }

    private Optional<String> stepValue(OptionSpec option) {
        OptionSpec given = step.findOption(option.longestName());
        Object value = given == null ? null : given.getValue();
        if (value instanceof Collection<?> items) {
            return Optional.of(items.stream().map(String::valueOf).collect(Collectors.joining("\n")));
        }
        return Optional.ofNullable(value).map(String::valueOf);
    }

    private boolean givenToTheStep(String input) {
        return Optional.ofNullable(step.findOption("--" + Options.dashed(input))).flatMap(this::stepValue)
                .filter(value -> !value.isBlank()).isPresent();
    }

    /** The error of one image's inputs, saying which image, and which key of the file (and its line) when one did it. */
    UserError about(UserError error) {
        String where = file.name() + ", image '" + entry.id() + "' (line " + entry.line() + "): ";
        Optional<String> input = error.input();
        Optional<String> origin = input.flatMap(name -> Optional.ofNullable(entry.settings().get(name))
                .map(s -> " (key '" + name + "', line " + s.line() + ")")
                .or(() -> Optional.ofNullable(file.defaults().get(name))
                        .map(s -> " (key '" + name + "' under defaults, line " + s.line() + ")")));
        if (origin.isPresent()) {
            return new UserError(where + error.getMessage() + origin.get(), ImagesFile.INPUT, error);
        }
        // not from the file: the step's own input, which every image reads, or the input's default
        String fromStep = input.filter(this::givenToTheStep)
                .map(name -> " (the step's input '" + name + "', under every image)").orElse("");
        return new UserError(where + error.getMessage() + fromStep, input.orElse(null), error);
    }

    /**
     * Refuses keys that are no input of the command, and the run's own inputs (the AWS connection, the file, the
     * parallelism), which one image cannot set apart from the others.
     */
    static void checkKeys(ImagesFile file, CommandSpec command) {
        Set<String> run = new HashSet<>(RUN_INPUTS);
        Optional.ofNullable(command.mixins().get(AWS_MIXIN)).ifPresent(aws -> aws.options()
                .forEach(option -> run.add(InputDefaults.inputName(option.longestName()))));
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            String input = InputDefaults.inputName(option.longestName());
            if (!option.usageHelp() && !option.versionHelp() && !run.contains(input)) {
                known.add(input);
            }
        }
        checkKeys(file, "defaults", file.defaults(), known, run);
        file.images().forEach(image -> checkKeys(file, "image '" + image.id() + "'", image.settings(), known, run));
    }

    private static void checkKeys(ImagesFile file, String what, Map<String, ImagesFile.Setting> settings,
                                  Set<String> known, Set<String> run) {
        settings.forEach((key, setting) -> {
            String where = file.name() + " line " + setting.line() + ", " + what + ": ";
            if (run.contains(key)) {
                throw new UserError(where + "'" + key + "' is an input of the whole run, the same for every image: set it "
                        + "on the step (task input " + key + ", option --" + Options.dashed(key) + "), not in the file.",
                        ImagesFile.INPUT);
            }
            if (!known.contains(key)) {
                String meant = known.stream().filter(input -> input.equalsIgnoreCase(key)).findFirst()
                        .map(input -> " Did you mean '" + input + "'? Keys are the inputs' names, case included.")
                        .orElse("");
                throw new UserError(where + "unknown key '" + key + "'." + meant + " Each image takes id and the inputs of "
                        + "platform-image: " + String.join(", ", List.copyOf(known)) + ".", ImagesFile.INPUT);
            }
        });
    }
}
