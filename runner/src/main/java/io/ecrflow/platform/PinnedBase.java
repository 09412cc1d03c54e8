package io.ecrflow.platform;

import io.ecrflow.dockerfile.Dockerfile;
import io.ecrflow.dockerfile.GlobalArgs;
import io.ecrflow.dockerfile.Stage;

import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The platform Dockerfile with the watched base named by the digest the check saw: every FROM whose image
 * (ARGs expanded as the build expands them) is the base becomes {@code FROM name@digest}, flags and stage
 * name kept. An upstream push between the check and the build then cannot change what is built, tested and
 * labelled: the build pulls exactly the image whose digest the labels record.
 */
final class PinnedBase {
    private PinnedBase() {
    }

    /** The rewritten text; empty when no FROM names the base (a base given with baseImage, say). */
    static Optional<String> pin(Dockerfile dockerfile, Map<String, String> buildArgs, ImageRef base, Digest digest) {
        GlobalArgs args = GlobalArgs.of(dockerfile, buildArgs);
        String pinned = base.withDigest(digest).toString();
        Map<Dockerfile.Instruction, String> replacements = new LinkedHashMap<>();
        for (Dockerfile.Instruction instruction : dockerfile.instructions()) {
            Stage.of(instruction).filter(stage -> isBase(args, stage, base))
                    .ifPresent(stage -> replacements.put(instruction, stage.withImage(pinned)));
        }
        return replacements.isEmpty() ? Optional.empty() : Optional.of(dockerfile.replaced(replacements));
    }

    private static boolean isBase(GlobalArgs args, Stage stage, ImageRef base) {
        Set<String> unset = new TreeSet<>();
        String image = args.expand(stage.image(), unset);
        if (!unset.isEmpty()) {
            return false;
        }
        try {
            return ImageRef.parse(image).equals(base);
        } catch (IllegalArgumentException notAnImage) {
            return false;
        }
    }
}
