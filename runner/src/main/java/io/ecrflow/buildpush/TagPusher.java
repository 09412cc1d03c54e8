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
import java.util.stream.Collectors;

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
            Digest pushed = pushOne(ref, login, progress(ref, i, refs.size()), refs.subList(0, i), digest);
            if (digest != null && !digest.equals(pushed)) {
                throw new UserError("The registry stored " + ref + " as " + pushed + " but the earlier tags as " + digest
                        + "; the image changed during the push. Run the step again.");
            }
            digest = pushed;
        }
        pipeline.progress(100, "Pushed " + refs.size() + " tag(s)");
        return digest;
    }

    /**
     * A registry cannot take several tags at once: when a later tag fails, the error names the tags that
     * are already there, so the user knows what a rerun will move.
     */
    private Digest pushOne(ImageRef ref, RegistryCredential login, PushProgress progress, List<ImageRef> done, Digest digest) {
        try {
            return engine.push(ref, login, progress);
        } catch (UserError e) {
            if (done.isEmpty()) {
                throw e;
            }
            String pushed = done.stream().map(r -> r.tag().value()).collect(Collectors.joining(", "));
            throw new UserError(e.getMessage() + " Tags pushed before this one stay in the registry, on " + digest
                    + ": " + pushed + ".", e.input().orElse(null), e);
        }
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
