package io.ecrflow.buildpush;

import io.ecrflow.publish.BuildSettings;

import java.util.Map;

/**
 * Where the image {@code build-push} publishes comes from: built from a Dockerfile by this step, or an image an
 * earlier step of the job left in the Docker Engine ({@code --image}, Docker@2's build-then-push habit).
 */
public sealed interface ImageSource {

    /**
     * Build the image now.
     *
     * @param build  how, as the user set it
     * @param labels the labels the image gets, besides the run's identity
     */
    record Dockerfile(BuildSettings build, Map<String, String> labels) implements ImageSource {

        /** The same build without the registry cache: nothing read from ECR's cache, nothing written to it. */
        Dockerfile withoutRegistryCache() {
            return new Dockerfile(build.withoutRegistryCache(), labels);
        }
    }

    /**
     * Push an image the engine already holds, as it is: no build, no labels added.
     *
     * @param name how the engine knows it: {@code name[:tag]}, or an image id
     */
    record LocalImage(String name) implements ImageSource {
    }
}
