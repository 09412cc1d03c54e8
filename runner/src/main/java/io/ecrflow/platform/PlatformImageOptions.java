package io.ecrflow.platform;

import io.ecrflow.Secret;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.registry.Tag;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs of {@code platform-image}, parsed and checked once: every value here is valid.
 *
 * @param explicitBase  the base image to watch when the user names it; else the Dockerfile's is used
 * @param extraTags     tags that move to every new version (e.g. {@code 6.0}), never version tags
 * @param test          the integration test; empty means the image is published untested
 * @param upstreamLogin credentials for the base image's registry, when it is private
 */
public record PlatformImageOptions(
        RepositorySettings repository,
        Path context,
        Path dockerfile,
        Optional<BaseImage> explicitBase,
        VersionTags versions,
        Version.Part bump,
        boolean forceUpdate,
        List<Tag> extraTags,
        boolean tagLatest,
        Map<String, String> buildArgs,
        Optional<String> platform,
        boolean noCache,
        boolean pull,
        String builder,
        Optional<TestApp> test,
        Optional<UpstreamLogin> upstreamLogin,
        Notifications notifications) {

    public PlatformImageOptions {
        extraTags = List.copyOf(extraTags);
        buildArgs = Map.copyOf(buildArgs);
    }

    /** A user name and password for the upstream registry; the password only ever from the environment. */
    public record UpstreamLogin(String username, Secret password) {
    }

    /**
     * @param onFailure also post a card when the run fails
     * @param fatal     a card that cannot be posted fails the run (otherwise it is a warning)
     */
    public record Notifications(boolean onFailure, boolean fatal) {
    }
}
