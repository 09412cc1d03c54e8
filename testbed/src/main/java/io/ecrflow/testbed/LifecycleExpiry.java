package io.ecrflow.testbed;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs a repository's lifecycle policy now, instead of within 24 hours as ECR does: the images it expires are
 * deleted with all their tags. A test knob, reached from {@link Testbed#runLifecyclePolicy} and over HTTP.
 */
final class LifecycleExpiry {

    private final Repositories repositories;
    private final DistributionRegistry registry;

    LifecycleExpiry(Repositories repositories, DistributionRegistry registry) {
        this.repositories = repositories;
        this.registry = registry;
    }

    /** The images expired, oldest first; none when the repository has no policy. */
    List<LifecyclePolicyEvaluator.Expiry> run(String repositoryName, Instant now) {
        Repository repository = repositories.get(repositoryName);
        synchronized (repository.manifestWrites()) {
            String policy = repository.lifecyclePolicy().orElse(null);
            if (policy == null) {
                return List.of();
            }
            Map<String, List<String>> tags = registry.tagsByDigest(repositoryName);
            List<LifecyclePolicyEvaluator.Image> images = registry.manifestDigests(repositoryName).stream()
                    .map(digest -> new LifecyclePolicyEvaluator.Image(digest, tags.getOrDefault(digest, List.of()),
                            repository.pushedAt(digest, registry)))
                    .toList();
            List<LifecyclePolicyEvaluator.Expiry> expired = LifecyclePolicyEvaluator.parse(policy).expired(images, now);
            for (LifecyclePolicyEvaluator.Expiry expiry : expired) {
                registry.deleteManifest(repositoryName, expiry.image().digest());
                repository.forgetPush(expiry.image().digest());
            }
            repository.lifecycleEvaluated(now);
            return expired;
        }
    }
}
