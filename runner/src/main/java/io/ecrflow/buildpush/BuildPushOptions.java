package io.ecrflow.buildpush;

import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.tagging.TagPlan;

/**
 * The inputs of {@code build-push}, parsed and checked once: every value here is valid.
 *
 * @param tags             the user's tags, which of them move from build to build ({@code latest}, branches: published
 *                         last, after the scan gate); the cache tag is never among them
 * @param removeLocalImage remove the image's local names in the engine once it is published
 * @param source           build the image from a Dockerfile, or push one an earlier step built
 */
public record BuildPushOptions(
        RepositorySettings repository,
        boolean createRepository,
        TagPlan tags,
        boolean removeLocalImage,
        ImageSource source) {
}
