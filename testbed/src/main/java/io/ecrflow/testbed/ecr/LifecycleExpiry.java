package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.registry.DistributionRegistry;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator.StorageClass;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs a repository's lifecycle policy now, instead of within 24 hours as ECR does: the images it expires are
 * deleted with all their tags, the images it transitions move to the archive storage class (they keep their tags,
 * are described as ARCHIVED and cannot be pulled). A test knob, reached from {@link Testbed#runLifecyclePolicy} and
 * over HTTP.
 */
public final class LifecycleExpiry {

    private final Repositories repositories;
    private final DistributionRegistry registry;

    public LifecycleExpiry(Repositories repositories, DistributionRegistry registry) {
        this.repositories = repositories;
        this.registry = registry;
    }

    /** The images expired or archived, oldest first; none when the repository has no policy. */
    public List<LifecyclePolicyEvaluator.Action> run(String repositoryName, Instant now) {
        Repository repository = repositories.get(repositoryName);
        synchronized (repository.manifestWrites()) {
            String policy = repository.lifecyclePolicy().orElse(null);
            if (policy == null) {
                return List.of();
            }
            Map<String, List<String>> tags = registry.tagsByDigest(repositoryName);
            List<LifecyclePolicyEvaluator.Image> images = registry.manifestDigests(repositoryName).stream()
                    .map(digest -> new LifecyclePolicyEvaluator.Image(digest, tags.getOrDefault(digest, List.of()),
                            repository.pushedAt(digest, registry),
                            repository.archived(digest) ? StorageClass.ARCHIVE : StorageClass.STANDARD,
                            repository.lastPulledAt(digest), repository.lastArchivedAt(digest),
                            repository.lastActivatedAt(digest)))
                    .toList();
            List<LifecyclePolicyEvaluator.Action> actions = LifecyclePolicyEvaluator.parse(policy).actions(images, now);
            for (LifecyclePolicyEvaluator.Action action : actions) {
                String digest = action.image().digest();
                if (action.kind() == LifecyclePolicyEvaluator.Kind.TRANSITION) {
                    repository.archive(digest, now);
                } else {
                    registry.deleteManifest(repositoryName, digest);
                    repository.forgetPush(digest);
                }
            }
            repository.lifecycleEvaluated(now);
            return actions;
        }
    }
}
