package io.ecrflow.dockerfile;

import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The upstream image a platform image is built on: the base of the Dockerfile's last stage (following
 * {@code FROM build AS final} chains back to an image), with global ARGs resolved — or the image the
 * user names explicitly.
 *
 * @param origin where it came from, for the log: {@code Dockerfile line 3} or {@code baseImage}
 */
public record BaseImage(ImageRef ref, String origin) {
    public static final String INPUT = "baseImage";

    /** The image named by {@code --base-image}. */
    public static BaseImage given(String text) {
        try {
            return new BaseImage(ImageRef.parse(text), "the baseImage input");
        } catch (IllegalArgumentException e) {
            throw new UserError("Base image " + e.getMessage() + ". Write it as you would in a FROM line, e.g. "
                    + "mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim.", INPUT);
        }
    }

    /** The base of the last stage of {@code dockerfile}, with {@code buildArgs} overriding ARG defaults. */
    public static BaseImage fromDockerfile(Path dockerfile, Map<String, String> buildArgs) {
        Dockerfile file = Dockerfile.read(dockerfile, "dockerfile");
        GlobalArgs args = GlobalArgs.of(file, buildArgs);
        List<Stage> stages = new ArrayList<>();
        file.instructions().stream().map(Stage::of).flatMap(Optional::stream).forEach(stages::add);
        if (stages.isEmpty()) {
            throw new UserError("The Dockerfile " + dockerfile + " has no FROM line, so it has no base image.", "dockerfile");
        }
        int index = stages.size() - 1;
        while (true) {
            Stage stage = stages.get(index);
            Set<String> unset = new TreeSet<>();
            String image = args.expand(stage.image(), unset);
            String where = "Dockerfile line " + stage.instruction().lineNumber();
            if (!unset.isEmpty()) {
                throw new UserError("The base image in " + dockerfile.getFileName() + " line " + stage.instruction().lineNumber()
                        + " (" + stage.image() + ") uses ARG " + String.join(", ", unset) + " without a value. Pass it "
                        + "in buildArgs, give it a default before the first FROM, or name the base image with baseImage.",
                        INPUT);
            }
            Optional<Integer> earlier = earlierStage(stages, index, image);
            if (earlier.isPresent()) {
                index = earlier.get();
                continue;
            }
            if (image.equalsIgnoreCase("scratch")) {
                throw new UserError("The last stage of " + dockerfile.getFileName() + " is built FROM scratch (" + where
                        + "), so there is no upstream image to watch. Name the image to watch with baseImage.", INPUT);
            }
            try {
                return new BaseImage(ImageRef.parse(image), where);
            } catch (IllegalArgumentException e) {
                throw new UserError("The base image of " + dockerfile.getFileName() + " (" + where + ") is "
                        + e.getMessage() + ". Fix the FROM line, or name the base image with baseImage.", INPUT);
            }
        }
    }

    /**
     * The registry hosts a build of {@code dockerfile} pulls from: every FROM that is not an earlier stage or
     * {@code scratch}, and every {@code --from=} image of COPY, ADD and RUN, after ARG expansion. Empty when
     * that cannot be told (an ARG without a value, a name that does not parse): then assume any registry.
     */
    public static Optional<Set<String>> registriesPulledBy(Path dockerfile, Map<String, String> buildArgs) {
        Dockerfile file = Dockerfile.read(dockerfile, "dockerfile");
        GlobalArgs args = GlobalArgs.of(file, buildArgs);
        Set<String> stageNames = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        Set<String> registries = new TreeSet<>();
        for (Dockerfile.Instruction instruction : file.instructions()) {
            List<String> images = new ArrayList<>();
            Optional<Stage> stage = Stage.of(instruction);
            stage.ifPresent(from -> images.add(from.image()));
            for (String word : instruction.arguments().split("\\s+")) {
                if (word.startsWith("--from=")) {
                    images.add(word.substring("--from=".length()));
                } else if (word.startsWith("--mount=") && word.contains("from=")) {
                    images.add(word.replaceFirst("^.*[,=]from=([^,]+).*$", "$1"));
                }
            }
            for (String written : images) {
                Set<String> unset = new TreeSet<>();
                String image = args.expand(written, unset);
                if (!unset.isEmpty()) {
                    return Optional.empty();
                }
                if (image.equalsIgnoreCase("scratch") || stageNames.contains(image) || image.matches("\\d+")) {
                    continue;
                }
                try {
                    registries.add(ImageRef.parse(image).registry());
                } catch (IllegalArgumentException notAnImage) {
                    return Optional.empty();
                }
            }
            stage.flatMap(Stage::name).ifPresent(stageNames::add);
        }
        return Optional.of(registries);
    }

    /** A FROM naming a stage defined before it (stage names are case-insensitive). */
    private static Optional<Integer> earlierStage(List<Stage> stages, int index, String image) {
        for (int i = index - 1; i >= 0; i--) {
            if (stages.get(i).name().map(name -> name.equalsIgnoreCase(image)).orElse(false)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The name recorded in the platform image's labels, e.g. {@code mcr.microsoft.com/dotnet/runtime:6.0}. */
    public String name() {
        return ref.toString();
    }
}
