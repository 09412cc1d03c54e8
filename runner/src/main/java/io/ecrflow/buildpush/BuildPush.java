package io.ecrflow.buildpush;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.docker.BuildRequest;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.Tag;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code build-push} story, in the order a careful pipeline runs it: check the engine, log in,
 * build, make sure the repository exists, refuse tags an immutable repository already holds, push every
 * tag, report. A failed build leaves ECR untouched; nothing is pushed before every check has passed.
 */
public final class BuildPush {
    private final Pipeline pipeline;
    private final Ecr ecr;
    private final DockerEngine engine;
    private final Supplier<ImageBuilder> builderChoice;

    public BuildPush(Pipeline pipeline, Ecr ecr, DockerEngine engine, Supplier<ImageBuilder> builderChoice) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.engine = engine;
        this.builderChoice = builderChoice;
    }

    public void run(BuildPushOptions options) {
        engine.ping();
        RegistryCredential login = logIn();
        List<ImageRef> refs = options.tags().stream()
                .map(tag -> ImageRef.tagged(login.registry(), options.repository().name(), tag))
                .toList();
        BuiltImage image = build(options, builderChoice.get(), refs.get(0), login);
        RepositoryInfo repository = new RepositoryEnsurer(ecr, pipeline).ensure(options.repository(), options.createRepository());
        refuseTakenImmutableTags(repository, options.tags());
        Digest digest = new TagPusher(pipeline, engine).pushAll(image, refs, login);
        report(login, refs, digest);
    }

    private RegistryCredential logIn() {
        RegistryCredential login = ecr.login();
        pipeline.registerSecret(login.password());
        pipeline.info("Logged in to " + login.registry() + ".");
        return login;
    }

    private BuiltImage build(BuildPushOptions options, ImageBuilder builder, ImageRef firstRef, RegistryCredential login) {
        pipeline.beginGroup("Build " + options.dockerfile() + " (" + builder.name() + ")");
        try {
            BuiltImage image = builder.build(new BuildRequest(options.context(), options.dockerfile(), options.buildArgs(),
                    options.target(), options.labels(), options.platform(), options.noCache(), options.pull(),
                    firstRef.toString(), List.of(login)), pipeline::info);
            pipeline.info("Built image " + image.imageId() + ".");
            return image;
        } finally {
            pipeline.endGroup();
        }
    }

    private void refuseTakenImmutableTags(RepositoryInfo repository, List<Tag> tags) {
        if (repository.mutability() != RepositorySettings.TagMutability.IMMUTABLE) {
            return;
        }
        Map<Tag, Digest> taken = ecr.existingTags(repository.name(), tags);
        if (!taken.isEmpty()) {
            String names = taken.keySet().stream().map(Tag::value).collect(Collectors.joining("', '", "'", "'"));
            throw new UserError("Repository " + repository.name() + " has immutable tags and already holds " + names
                    + "; an immutable tag cannot be moved, so nothing was pushed. Use tags unique to each run, "
                    + "such as $(Build.BuildId) or $(Build.SourceVersion:8).", "tags");
        }
    }

    private void report(RegistryCredential login, List<ImageRef> refs, Digest digest) {
        ImageRef first = refs.get(0);
        refs.forEach(ref -> pipeline.info("Pushed " + ref));
        pipeline.setOutput("registry", login.registry());
        pipeline.setOutput("imageUri", first.toString());
        pipeline.setOutput("imageUris", refs.stream().map(ImageRef::toString).collect(Collectors.joining(",")));
        pipeline.setOutput("imageDigest", first.withDigest(digest).toString());
        pipeline.setOutput("digest", digest.toString());
        pipeline.setOutput("tags", refs.stream().map(r -> r.tag().value()).collect(Collectors.joining(",")));
    }
}
