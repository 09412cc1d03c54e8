package io.ecrflow.promote;

import io.ecrflow.aws.AwsTarget;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.publish.ScanGateSettings;

import io.ecrflow.tagging.TagPlan;

import java.util.Optional;

/**
 * What {@code promote} was asked to do, parsed once: the source image (its registry, repository and tag or
 * digest) and the target (registry, repository settings, tags in publish order with the moving ones known),
 * and the scan gate every new tag waits for.
 */
public record PromoteOptions(AwsTarget sourceRegistry, Source source, AwsTarget targetRegistry,
                             RepositorySettings repository, boolean createRepository, TagPlan tags,
                             ScanGateSettings scanGate) {

    /** The image to promote: a repository and exactly one of a tag or a digest. */
    public record Source(RepositoryName repository, Optional<Tag> tag, Optional<Digest> digest) {
        public Source {
            if (tag.isPresent() == digest.isPresent()) {
                throw new IllegalArgumentException("a source names a tag or a digest");
            }
        }

        /** How the log names it: {@code team/web:1a2b3c4d} or {@code team/web@sha256:…}. */
        @Override
        public String toString() {
            return repository + tag.map(t -> ":" + t).orElseGet(() -> "@" + digest.orElseThrow());
        }
    }

    /** Whether source and target are one registry: the same account in the same region. */
    public boolean sameRegistry() {
        return sourceRegistry.registryId().equals(targetRegistry.registryId())
                && sourceRegistry.region().equals(targetRegistry.region())
                && sourceRegistry.endpoint().equals(targetRegistry.endpoint());
    }
}
