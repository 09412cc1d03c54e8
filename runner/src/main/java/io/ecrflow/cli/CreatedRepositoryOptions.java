package io.ecrflow.cli;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.RepositoryName;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Whether build-push and promote create a missing repository, and how: tags mutable and no scan on push unless
 * asked, as {@code aws ecr create-repository} makes one. platform-image always creates, with defaults of its own.
 */
public final class CreatedRepositoryOptions {

    @Option(names = "--create-repository", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "With this off, a missing repository is an error. Default: ${DEFAULT-VALUE}.")
    String createRepository;

    @Mixin
    NewRepositoryOptions newRepository = new NewRepositoryOptions(TagMutability.Mode.MUTABLE, false);

    boolean createRepository() {
        return Inputs.bool(createRepository, "createRepository");
    }

    RepositorySettings settings(RepositoryName name, Path workingDirectory) {
        return newRepository.settings(name, workingDirectory);
    }
}
