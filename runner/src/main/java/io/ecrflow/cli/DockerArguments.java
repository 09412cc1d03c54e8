package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.ShellWords;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker@2's {@code arguments} input, extra {@code docker build} options on one line, read as the inputs they map to,
 * so a step moved from Docker@2 keeps what it asked for: {@code --build-arg}, {@code --label}, {@code --target},
 * {@code --platform}, {@code --no-cache}, {@code --pull}, {@code --file}/{@code -f}. Anything else would be dropped
 * without a word, so it is an error naming the input to use, or that ecrflow does it already.
 */
record DockerArguments(Map<String, String> buildArgs, List<String> labels, Optional<String> target,
                       Optional<String> platform, boolean noCache, boolean pull, Optional<String> dockerfile) {
    static final String INPUT = "arguments";
    static final DockerArguments NONE = new DockerArguments(Map.of(), List.of(), Optional.empty(), Optional.empty(),
            false, false, Optional.empty());
    /** Options with a value of their own, and where each goes instead when ecrflow has no use for it here. */
    private static final Map<String, String> ELSEWHERE = Map.ofEntries(
            Map.entry("-t", "give the tags in 'tags'; the repository in 'repository'"),
            Map.entry("--tag", "give the tags in 'tags'; the repository in 'repository'"),
            Map.entry("--secret", "give build secrets in 'secrets'"),
            Map.entry("--ssh", "give SSH forwards in 'ssh'"),
            Map.entry("--cache-from", "use 'registryCache' (BuildKit's cache in ECR)"),
            Map.entry("--cache-to", "use 'registryCache' (BuildKit's cache in ECR)"),
            Map.entry("--push", "ecrflow pushes every tag itself"),
            Map.entry("--output", "ecrflow pushes every tag itself"),
            Map.entry("-o", "ecrflow pushes every tag itself"),
            Map.entry("--iidfile", "the image's id and digest are the step's outputs"),
            Map.entry("--quiet", "ecrflow shows the build's log in a group of its own"),
            Map.entry("-q", "ecrflow shows the build's log in a group of its own"),
            Map.entry("--progress", "ecrflow shows the build's log in a group of its own"),
            Map.entry("--builder", "use 'builder'"));

    /** docker build's options that take no value, besides the two ecrflow maps. */
    private static final Set<String> FLAGS = Set.of("--quiet", "-q", "--push", "--load", "--squash", "--rm", "--force-rm",
            "--compress", "--disable-content-trust");

    static DockerArguments parse(Optional<String> line) {
        if (line.isEmpty()) {
            return NONE;
        }
        List<String> words = ShellWords.split(line.get(), INPUT);
        Map<String, String> buildArgs = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        Optional<String> target = Optional.empty();
        Optional<String> platform = Optional.empty();
        Optional<String> dockerfile = Optional.empty();
        boolean noCache = false;
        boolean pull = false;
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String name = word.contains("=") && word.startsWith("--") ? word.substring(0, word.indexOf('=')) : word;
            Optional<String> inline = name.equals(word) ? Optional.empty() : Optional.of(word.substring(name.length() + 1));
            switch (name) {
                case "--no-cache" -> noCache = true;
                case "--pull" -> pull = true;
                case "--build-arg", "--label", "--target", "--platform", "--file", "-f" -> {
                    String value;
                    if (inline.isPresent()) {
                        value = inline.get();
                    } else if (i + 1 < words.size()) {
                        value = words.get(++i);
                    } else {
                        throw new UserError("Input 'arguments' ends with " + name + ", which needs a value.", INPUT);
                    }
                    switch (name) {
                        case "--build-arg" -> {
                            int equals = value.indexOf('=');
                            if (equals <= 0) {
                                throw new UserError("Input 'arguments' has --build-arg " + value + " without a value: write "
                                        + value + "=<value> (ecrflow hands build arguments over only with their values).", INPUT);
                            }
                            buildArgs.put(value.substring(0, equals), value.substring(equals + 1));
                        }
                        case "--label" -> labels.add(value);
                        case "--target" -> target = Optional.of(value);
                        case "--platform" -> platform = Optional.of(value);
                        default -> dockerfile = Optional.of(value);
                    }
                }
                default -> {
                    if (!word.startsWith("-")) {
                        refused.add("'" + word + "' (the context is 'context')");
                        continue;
                    }
                    refused.add(describe(name));
                    // an option's value goes with it: docker build has no other word but the context
                    if (inline.isEmpty() && !FLAGS.contains(name) && i + 1 < words.size() && !words.get(i + 1).startsWith("-")) {
                        i++;
                    }
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new UserError("Input 'arguments' holds what ecrflow does not take from docker build's options: "
                    + String.join("; ", refused) + ". It takes --build-arg, --label, --target, --platform, --no-cache, "
                    + "--pull and --file; every other setting has an input of its own.", INPUT);
        }
        return new DockerArguments(buildArgs, labels, target, platform, noCache, pull, dockerfile);
    }

    private static String describe(String option) {
        return Optional.ofNullable(ELSEWHERE.get(option)).map(where -> option + " (" + where + ")").orElse(option);
    }
}
