package io.ecrflow.buildpush;

import io.ecrflow.UserError;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.PushProgress;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;

import java.util.List;

/**
 * Tags a built image under each reference and pushes them in the order given, showing one overall
 * percentage across all tags. Every tag must end up on the same digest: the registry then stores each
 * layer once, and a digest that differs means the image changed during the push.
 */
public final class TagPusher {
    private final Pipeline pipeline;
    private final DockerEngine engine;

    public TagPusher(Pipeline pipeline, DockerEngine engine) {
        this.pipeline = pipeline;
        this.engine = engine;
    }

    /** Pushes {@code refs} in order and returns the digest they all point to. */
    public Digest pushAll(BuiltImage image, List<ImageRef> refs, RegistryCredential login) {
        Digest digest = null;
        for (int i = 0; i < refs.size(); i++) {
            ImageRef ref = refs.get(i);
            engine.tag(image.imageId(), ref);
            pipeline.info("Pushing " + ref + " (" + (i + 1) + " of " + refs.size() + ")");
            Digest pushed = engine.push(ref, login, progress(ref, i, refs.size()));
            if (digest != null && !digest.equals(pushed)) {
                throw new UserError("The registry stored " + ref + " as " + pushed + " but the earlier tags as " + digest
                        + "; the image changed during the push. Run the step again.");
            }
            digest = pushed;
        }
        pipeline.progress(100, "Pushed " + refs.size() + " tag(s)");
        return digest;
    }

    private PushProgress progress(ImageRef ref, int index, int count) {
        return new PushProgress() {
            @Override
            public void percent(int percent, String description) {
                pipeline.progress((index * 100 + percent) / count, "Pushing " + ref.tag());
            }

            @Override
            public void status(String line) {
                pipeline.info(line);
            }
        };
    }
}
