package io.ecrflow.publish;

import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.pipeline.PhaseTimer;
import io.ecrflow.pipeline.Pipeline;

import java.util.function.Supplier;

/** Builds an image with the chosen builder, its output inside one collapsible log group. */
public final class ImageBuild {
    private final Pipeline pipeline;

    public ImageBuild(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** @param what what is built, as the group's title says it ("Dockerfile", "6.0-1.2.0 from Dockerfile") */
    public BuiltImage build(String what, ImageBuilder builder, BuildRequest request) {
        return build(what, builder, request, true);
    }

    /**
     * As {@link #build}, timed as part of the phase it serves rather than as a build phase of its own: the integration
     * test's application is built within the test.
     */
    public BuiltImage buildWithin(String what, ImageBuilder builder, BuildRequest request) {
        return build(what, builder, request, false);
    }

    private BuiltImage build(String what, ImageBuilder builder, BuildRequest request, boolean buildPhase) {
        pipeline.beginGroup("Build " + what + " (" + builder.name() + ")");
        try {
            Supplier<BuiltImage> build = () -> builder.build(request, pipeline::relay);
            BuiltImage image = buildPhase ? PhaseTimer.time(pipeline, "Build", build) : build.get();
            pipeline.info("Built image " + image.imageId() + ".");
            return image;
        } finally {
            pipeline.endGroup();
        }
    }
}
