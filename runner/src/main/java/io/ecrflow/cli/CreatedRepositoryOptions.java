package io.ecrflow.cli;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.RepositoryName;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * Whether build-push and promote create a missing repository, and how: tags mutable and no scan on push unless
 * asked, as {@code aws ecr create-repository} makes one. platform-image states its own defaults (immutable
 * version tags, scans on) and always creates.
 */
public final class CreatedRepositoryOptions {

    @Option(names = "--create-repository", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Create the repository when it is missing. Default: true.")
    String createRepository;

    @Option(names = "--tag-mutability", paramLabel = TagMutabilityOptions.MODES,
            description = "For a new repository: which tags may move (*_WITH_EXCLUSION: all but, or none but, "
                    + "the mutabilityExclusions). Default: MUTABLE.")
    String tagMutability;

    @Mixin
    TagMutabilityOptions mutabilityExclusions;

    @Option(names = "--scan-on-push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "For a new repository: scan images on push. Default: false.")
    String scanOnPush;

    @Mixin
    NewRepositoryOptions newRepository;

    boolean createRepository() {
        return Inputs.bool(createRepository, true, "createRepository");
    }

    RepositorySettings settings(RepositoryName name, Path workingDirectory) {
        return newRepository.settings(name, mutabilityExclusions.mutability(tagMutability, TagMutability.Mode.MUTABLE,
                List.of()), Inputs.bool(scanOnPush, false, "scanOnPush"), workingDirectory);
    }
}
