package io.ecrflow.platform;

import io.ecrflow.dockerfile.Dockerfile;
import io.ecrflow.dockerfile.Stage;

import io.ecrflow.registry.ImageRef;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The test application's Dockerfile with its base replaced by the candidate platform image: every FROM
 * whose image {@code namesPlatform} accepts now names the candidate, flags and stage names kept.
 */
final class TestDockerfile {
    private TestDockerfile() {
    }

    /** The rewritten text; empty when no FROM names the platform image. */
    static Optional<String> withBase(Dockerfile dockerfile, String candidate, Predicate<ImageRef> namesPlatform) {
        Map<Dockerfile.Instruction, String> replacements = new LinkedHashMap<>();
        for (Dockerfile.Instruction instruction : dockerfile.instructions()) {
            Stage.of(instruction).filter(stage -> names(stage.image(), namesPlatform))
                    .ifPresent(stage -> replacements.put(instruction, stage.withImage(candidate)));
        }
        return replacements.isEmpty() ? Optional.empty() : Optional.of(dockerfile.replaced(replacements));
    }

    /** Whether the Dockerfile declares {@code ARG name} (with or without a default) anywhere. */
    static boolean declaresArg(Dockerfile dockerfile, String name) {
        return dockerfile.instructions().stream().filter(i -> i.keyword().equals("ARG"))
                .flatMap(i -> java.util.Arrays.stream(i.arguments().split("\\s+")))
                .anyMatch(declaration -> declaration.equals(name) || declaration.startsWith(name + "="));
    }

    private static boolean names(String image, Predicate<ImageRef> namesPlatform) {
        if (image.contains("$")) {
            return false;
        }
        try {
            return namesPlatform.test(ImageRef.parse(image));
        } catch (IllegalArgumentException notAnImage) {
            return false;
        }
    }
}
