package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.docker.BuiltImage;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.Published;
import io.ecrflow.publish.TagPublisher;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;

import java.util.List;
import java.util.Set;

/**
 * The platform image's publication: a tested new version under its version tag, which is never overwritten, then
 * the tags every new version takes over; or the current version's tags an earlier run did not get to. The scan
 * gate comes before the first tag that moves.
 */
final class VersionPublication {
    private final Pipeline pipeline;
    private final Ecr ecr;
    private final DockerEngine engine;
    private final RegistryClient registry;
    private final Gate gate;

    /** @param registry a client that holds the credential for the repository's registry */
    VersionPublication(Pipeline pipeline, Ecr ecr, DockerEngine engine, RegistryClient registry, Gate gate) {
        this.pipeline = pipeline;
        this.ecr = ecr;
        this.engine = engine;
        this.registry = registry;
        this.gate = gate;
    }

    /** The version tag first, the tags that move next ({@code latest} last): a consumer of latest never sees a half-tagged version. */
    Published publish(BuiltImage image, PlatformImageOptions options, VersionPlan plan, RegistryCredential login) {
        refuseTakenVersionTag(options.repository().name(), plan);
        TagPlan tags = options.tags().withStaying(plan.versionRef().tag());
        return new TagPublisher(pipeline, engine, registry).publish(image, plan.versionRef(), tags, login, gate);
    }

    /** Finishes the current version's publication: its manifest under the tags an earlier run did not get to. */
    Published finish(VersionPlan plan) {
        Manifest manifest = registry.manifest(plan.versionRef().withDigest(plan.currentDigest().orElseThrow()));
        Tag version = plan.versionRef().tag();
        TagPlan tags = TagPlan.of(List.of(version), plan.unfinished().stream().map(ImageRef::tag).toList());
        // an earlier run may have stopped at the gate itself: the unfinished tags pass it before they are written
        return new TagPublisher(pipeline, engine, registry).addTags(manifest, plan.versionRef(), tags, Set.of(version), gate);
    }

    private void refuseTakenVersionTag(RepositoryName name, VersionPlan plan) {
        Tag versionTag = plan.versionRef().tag();
        if (!ecr.existingTags(name, List.of(versionTag)).isEmpty()) {
            throw new UserError("Tag " + versionTag + " already exists in " + name + ", and a version tag is never "
                    + "overwritten. Another run may have published it meanwhile: run again for the next version.");
        }
    }
}
