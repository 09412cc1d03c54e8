package io.ecrflow.buildpush;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.registry.Tag;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inputs of {@code build-push}, parsed and checked once: every value here is valid. */
public record BuildPushOptions(
        RepositorySettings repository,
        boolean createRepository,
        Path context,
        Path dockerfile,
        List<Tag> tags,
        Map<String, String> buildArgs,
        Optional<String> target,
        Map<String, String> labels,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String builder) {
}
