package io.ecrflow.buildpush;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.registry.Tag;

import java.util.List;
import java.util.Set;

/**
 * The inputs of {@code build-push}, parsed and checked once: every value here is valid.
 *
 * @param tags             the user's tags; the cache tag is never among them
 * @param moving           the tags that move from build to build ({@code latest}, branches): published last, after the scan gate
 * @param removeLocalImage remove the image's local names in the engine once it is published
 * @param source           build the image from a Dockerfile, or push one an earlier step built
 */
public record BuildPushOptions(
        RepositorySettings repository,
        boolean createRepository,
        List<Tag> tags,
        Set<Tag> moving,
        boolean removeLocalImage,
        ImageSource source) {
}
