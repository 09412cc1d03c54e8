package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.tagging.KeyValues;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Build options every command that builds an image shares. */
public final class BuildOptions {

    @Option(names = "--build-args", paramLabel = "K=V", description = "Build arguments, comma- or newline-separated.")
    List<String> buildArgs;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Target platform, e.g. linux/amd64.")
    String platform;

    @Option(names = "--no-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Build without the layer cache. Default: false.")
    String noCache;

    @Option(names = "--builder", paramLabel = "auto|buildkit|engine",
            description = "buildkit: the docker CLI's BuildKit; engine: the Docker Engine's builder; auto: BuildKit when available. Default: auto.")
    String builder;

    Map<String, String> buildArgs() {
        return KeyValues.parse(Inputs.list(buildArgs), "buildArgs");
    }

    Optional<String> platform() {
        return Inputs.text(platform);
    }

    boolean noCache() {
        return Inputs.bool(noCache, false, "noCache");
    }

    String builder() {
        String mode = Inputs.text(builder).orElse("auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "buildkit", "engine").contains(mode)) {
            throw new UserError("Input 'builder' is '" + builder + "'; allowed values are auto, buildkit and engine.", "builder");
        }
        return mode;
    }
}
