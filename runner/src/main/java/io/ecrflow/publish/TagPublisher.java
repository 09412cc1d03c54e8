package io.ecrflow.publish;

import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.ImmutableTagTaken;
import io.ecrflow.docker.ManifestAnswerLost;
import io.ecrflow.docker.PushProgress;
import io.ecrflow.docker.RegistryServerError;
import io.ecrflow.pipeline.PhaseTimer;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.ManifestRefused;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Publishes a built image under every tag at the cost of one upload. On an engine that keeps its images in
 * containerd's store the image goes up by digest ({@link DigestUpload}) and every tag is then a manifest write.
 * Otherwise the engine pushes the first tag,
 * uploading only the layers the registry lacks; then the exact manifest bytes the registry stored are
 * written under every other tag, one manifest PUT each and no blob request, so all tags share one digest
 * by construction. Before any other tag gets it, the manifest is checked against the built image: the
 * engine pushes by local name, and another run on the same engine may have re-tagged that name meanwhile.
 * An immutable tag that refuses a write, and the first tag after the engine's manifest write lost its answer, are read
 * back: holding this very image already, the write is done ({@link TagReadBack}).
 */
public final class TagPublisher {
    private static final int PUSH_ATTEMPTS = 3;
    /** Pushes of the first tag while the registry answers 5xx for what the engine does not retry, 1 s, then 2 s apart. */
    private static final Waiting SERVER_ERROR_PUSHES = Waiting.linear(3, Duration.ofSeconds(1));
    /** The engine's upload is nearly all of the work; the manifest writes share the rest of the bar. */
    private static final int UPLOAD_SHARE = 90;

    private final Pipeline pipeline;
    private final Optional<DockerEngine> engine;
    private final RegistryClient registry;
    private Waiting serverErrorPushes = SERVER_ERROR_PUSHES;

    /** @param registry a client that holds the credential for the target registry */
    public TagPublisher(Pipeline pipeline, DockerEngine engine, RegistryClient registry) {
        this(pipeline, Optional.of(engine), registry);
    }

    private TagPublisher(Pipeline pipeline, Optional<DockerEngine> engine, RegistryClient registry) {
        this.pipeline = pipeline;
        this.engine = engine;
        this.registry = registry;
    }

    /** A publisher of manifests already in the registry ({@link #addTags}); it has no engine to push with. */
    public static TagPublisher ofManifests(Pipeline pipeline, RegistryClient registry) {
        return new TagPublisher(pipeline, Optional.empty(), registry);
    }

    private DockerEngine engine() {
        return engine.orElseThrow(() -> new IllegalStateException("this publisher only writes manifests"));
    }

    /**
     * Publishes {@code image} under every tag of {@code tags} in the repository of {@code repository}, in publish
     * order, with {@code gate} checked once the image is in the registry and before the first tag that moves. The
     * engine's upload needs one tag: the first, which moves only when every tag does.
     *
     * @param repository any reference in the repository published to; its tag is not used
     * @return every tag of the plan, in publish order, on one manifest
     */
    public Published publish(BuiltImage image, ImageRef repository, TagPlan tags, RegistryCredential login, Gate gate) {
        List<ImageRef> refs = tags.inPublishOrder().stream().map(repository::withTag).toList();
        ImageRef first = refs.get(0);
        Published published;
        Manifest manifest;
        if (engine().keepsImagesInContainerd()) {
            // the engine's push of a tag would write the index's images under it first: upload by digest, then tag
            pipeline.info("Uploading " + image.imageId() + " to " + first.repositoryUri() + " by digest");
            manifest = PhaseTimer.time(pipeline, "Push",
                    () -> new DigestUpload(pipeline, engine(), registry, serverErrorPushes).upload(image.imageId(), first));
            published = tagUploaded(manifest, refs, tags, gate);
        } else {
            pipeline.info("Pushing " + first + " (1 of " + refs.size() + ")");
            // the push phase is the one upload; the further tags are a manifest each
            manifest = PhaseTimer.time(pipeline, "Push", () -> upload(image, first, login));
            published = addTags(manifest, refs, List.of(first), tags, gate);
        }
        image.publishAsCache().ifPresent(cache -> exportCache(image, manifest, first, cache, login));
        return published;
    }

    /**
     * An inline build cache travels in the image's config, so the image itself goes under the cache tag,
     * after every user tag and not reported as one. The cache only speeds up later builds: a refusal
     * (an immutable repository, say) is a warning, never a failed publication.
     */
    private void exportCache(BuiltImage image, Manifest manifest, ImageRef published, ImageRef cache,
                             RegistryCredential login) {
        try {
            if (cache.repository().equals(published.repository())) {
                writeTag(cache, manifest);
            } else {
                engine().tag(image.imageId(), cache);
                engine().push(cache, login, progress(cache));
            }
            pipeline.info("Exported the build cache to " + cache + ".");
        } catch (UserError e) {
            pipeline.warning("The build cache could not be exported to " + cache + ": " + e.getMessage()
                    + " The image is published; later builds just do not find this cache.");
        }
    }

    /**
     * Writes {@code manifest}, already in the registry under the tags {@code present}, under every other tag of
     * {@code tags} in publish order, with {@code gate} checked on the digest once every tag that stays is there and
     * before the first one that moves (or at the end, when none moves). A tag that fails names the tags already
     * there, so a rerun can finish.
     *
     * @param repository any reference in the repository published to; its tag is not used
     * @return every tag of the plan, in publish order, on {@code manifest}
     */
    public Published addTags(Manifest manifest, ImageRef repository, TagPlan tags, Set<Tag> present, Gate gate) {
        List<ImageRef> refs = tags.inPublishOrder().stream().map(repository::withTag).toList();
        return addTags(manifest, refs, refs.stream().filter(ref -> present.contains(ref.tag())).toList(), tags, gate);
    }

    private Published addTags(Manifest manifest, List<ImageRef> refs, List<ImageRef> present, TagPlan tags, Gate gate) {
        List<ImageRef> missing = refs.stream().filter(ref -> !present.contains(ref)).toList();
        List<ImageRef> done = new ArrayList<>(present);
        int total = refs.size();
        HeldTags held = HeldTags.moving(missing.stream().filter(ref -> tags.moves(ref.tag())).toList());
        boolean checked = false;
        for (ImageRef ref : missing) {
            if (!checked && tags.moves(ref.tag())) {
                gate.check(ref.withDigest(manifest.digest()), manifest, held);
                checked = true;
            }
            boolean written;
            try {
                written = writeTag(ref, manifest);
            } catch (UserError e) {
                throw done.isEmpty() ? e : new UserError(e.getMessage() + " Tags already in the registry, on "
                        + manifest.digest() + ": " + done.stream().map(r -> r.tag().value()).collect(Collectors.joining(", "))
                        + ". Run the step again to add the tags still missing.", e.input().orElse(null), e);
            }
            done.add(ref);
            if (written) {
                pipeline.info("Tagged " + ref + " (" + done.size() + " of " + total + "): the same manifest, nothing uploaded");
            }
            pipeline.progress(UPLOAD_SHARE + (100 - UPLOAD_SHARE) * done.size() / total, "Tagged " + ref.tag());
        }
        if (!checked) {
            gate.check(refs.get(0).withDigest(manifest.digest()), manifest, HeldTags.moving(List.of()));
        }
        pipeline.progress(100, "Published " + total + " tag(s)");
        return new Published(manifest, refs);
    }

    /**
     * Writes {@code manifest} under {@code ref}. An immutable tag that refuses it is read back: when it holds this
     * very manifest (an earlier attempt was stored and its answer lost), the write is done and the log says so.
     *
     * @return whether this call wrote the tag (false: it held the manifest already)
     */
    private boolean writeTag(ImageRef ref, Manifest manifest) {
        try {
            registry.putManifest(ref, manifest);
            return true;
        } catch (ManifestRefused refused) {
            if (!refused.immutableTag()) {
                throw refused;
            }
            pipeline.info(TagReadBack.writeDone(ref, manifest.digest(), registry.manifestDigest(ref))
                    .orElseThrow(() -> refused));
            return false;
        }
    }

    private Manifest upload(BuiltImage image, ImageRef first, RegistryCredential login) {
        // ECR ends an upload it refuses (no such repository, no right to push) without an answer, which the engine
        // retries for a minute and then blames on the network: one upload started here, beside the tagging, says so now
        CompletableFuture<Void> uploadCheck = CompletableFuture.runAsync(() -> registry.checkUploads(first));
        for (int attempt = 1; ; attempt++) {
            engine().tag(image.imageId(), first);
            awaitUploadCheck(uploadCheck);
            Digest pushed = pushOrReadBack(image, first, login);
            Manifest manifest = registry.manifest(first.withDigest(pushed));
            if (isManifestOf(manifest, image)) {
                refuseOverwrittenFirstTag(first, manifest);
                return manifest;
            }
            if (attempt == PUSH_ATTEMPTS) {
                throw new UserError("The engine pushed another image than this run built (" + image.imageId() + ") as "
                        + first + ", " + PUSH_ATTEMPTS + " times: another run on this Docker Engine keeps re-tagging "
                        + first.repositoryUri() + ". Give each run tags of its own, such as $(Build.BuildId).");
            }
            pipeline.warning("The engine pushed another image as " + first + " (" + pushed + "): another run on this "
                    + "Docker Engine re-tagged it meanwhile. Pushing this run's image " + image.imageId() + " again.");
        }
    }

    private static void awaitUploadCheck(CompletableFuture<Void> uploadCheck) {
        try {
            uploadCheck.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * The engine's push of the first tag. When its manifest write lost the answer (the connection broke on it), or an
     * immutable tag refused it (the registry stored an earlier push whose answer was lost, then refused the push
     * again), the tag is read back: holding this very image, the push is done; else the push's error stands.
     */
    private Digest pushOrReadBack(BuiltImage image, ImageRef first, RegistryCredential login) {
        try {
            return pushThroughServerErrors(first, login);
        } catch (ImmutableTagTaken | ManifestAnswerLost failed) {
            Optional<Manifest> held;
            try {
                held = registry.manifestDigest(first).map(digest -> registry.manifest(first.withDigest(digest)));
            } catch (UserError unreadable) {
                failed.addSuppressed(unreadable);
                throw failed;
            }
            pipeline.info(TagReadBack.pushDone(first, image, held).orElseThrow(() -> failed));
            return held.orElseThrow().digest();
        }
    }

    /**
     * The engine retries a layer upload itself but gives up on the first 5xx for the image config or the manifest;
     * pushing again costs little, as layers already there are not sent again.
     */
    private Digest pushThroughServerErrors(ImageRef first, RegistryCredential login) {
        for (int attempt = 1; ; attempt++) {
            try {
                return engine().push(first, login, progress(first));
            } catch (RegistryServerError e) {
                if (!e.worthPushingAgain()) {
                    throw e;
                }
                if (!serverErrorPushes.allowsAfter(attempt)) {
                    throw e.afterPushes(attempt);
                }
                pipeline.warning(e.happened() + ". Pushing "
                        + "again (" + (attempt + 1) + " of " + serverErrorPushes.attempts() + "): the engine does not "
                        + "retry the image config or the manifest itself.");
                serverErrorPushes.pauseAfterAttempt(attempt, () -> new UserError("The push was interrupted."));
            }
        }
    }

    /** The same publisher, pausing between pushes through server errors on {@code clock} with {@code sleeper}. */
    TagPublisher pausingOn(Clock clock, Waiting.Sleeper sleeper) {
        serverErrorPushes = serverErrorPushes.on(clock, sleeper);
        return this;
    }

    /**
     * Tags an image uploaded by digest: the first tag is written and read back before any other, as after the
     * engine's push of it; the gate comes first when even the first tag moves.
     */
    private Published tagUploaded(Manifest manifest, List<ImageRef> refs, TagPlan tags, Gate gate) {
        ImageRef first = refs.get(0);
        boolean firstMoves = tags.moves(first.tag());
        if (firstMoves) {
            gate.check(first.withDigest(manifest.digest()), manifest,
                    HeldTags.moving(refs.stream().filter(ref -> tags.moves(ref.tag())).toList()));
        }
        if (writeTag(first, manifest)) {
            pipeline.info("Wrote tag " + first + " (1 of " + refs.size() + ")");
        }
        refuseOverwrittenFirstTag(first, manifest);
        return addTags(manifest, refs, List.of(first), tags, firstMoves ? Gate.OPEN : gate);
    }

    /**
     * Registries have no conditional write: two runs pushing one tag at the same moment both succeed, and
     * the later one wins. Reading the tag back before any other tag is written catches the race where this
     * run lost it, so a tested version never gets the moving tags of an image that is no longer under it.
     */
    private void refuseOverwrittenFirstTag(ImageRef first, Manifest manifest) {
        Optional<Digest> now = registry.manifestDigest(first);
        if (!now.equals(Optional.of(manifest.digest()))) {
            throw new UserError("Right after this run pushed " + first + " (" + manifest.digest() + "), the tag holds "
                    + now.map(Digest::toString).orElse("nothing") + ": another run published the same tag at the same "
                    + "moment. No other tag was written. Give each run tags of its own; for platform images, run again "
                    + "for the next version, and keep runs of one pipeline from overlapping (lockBehavior: sequential) "
                    + "or make the version tags immutable.", "tags");
        }
    }

    /**
     * With the engine's classic image store an image id is its config's digest; with the containerd store
     * it is the digest of the manifest (or index) itself.
     */
    static boolean isManifestOf(Manifest manifest, BuiltImage image) {
        return manifest.digest().toString().equals(image.imageId())
                || !manifest.isIndex() && manifest.configDigest().toString().equals(image.imageId());
    }

    private PushProgress progress(ImageRef ref) {
        return new PushProgress() {
            @Override
            public void percent(int percent, String description) {
                pipeline.progress(percent * UPLOAD_SHARE / 100, "Pushing " + ref.tag());
            }

            @Override
            public void status(String line) {
                pipeline.relay(line);
            }
        };
    }
}
