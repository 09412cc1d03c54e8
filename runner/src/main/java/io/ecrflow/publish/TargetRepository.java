package io.ecrflow.publish;

import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.ImageRef;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The step that makes sure the repository published to exists, once: after the build, so that a failed build
 * leaves ECR untouched, unless BuildKit writes a registry cache into that repository during the build.
 */
public final class TargetRepository {
    private final RepositorySettings settings;
    private final Supplier<EnsuredRepository> ensure;
    private EnsuredRepository ensured;

    private TargetRepository(RepositorySettings settings, Supplier<EnsuredRepository> ensure) {
        this.settings = settings;
        this.ensure = ensure;
    }

    /** @param found the repository as this run described it already */
    public static TargetRepository described(Ecr ecr, Pipeline pipeline, RepositorySettings settings, boolean create,
                                             Optional<RepositoryInfo> found) {
        return new TargetRepository(settings, () -> new RepositoryEnsurer(ecr, pipeline).ensure(settings, create, found));
    }

    /** A repository described when it is ensured: a run may have created it since this one looked. */
    public static TargetRepository undescribed(Ecr ecr, Pipeline pipeline, RepositorySettings settings, boolean create) {
        return new TargetRepository(settings, () -> new RepositoryEnsurer(ecr, pipeline).ensure(settings, create));
    }

    /** BuildKit writes a registry cache during the build: a cache in this repository needs it to exist by then. */
    public void beforeBuild(Optional<ImageRef> registryCache) {
        if (registryCache.filter(cache -> cache.repository().equals(settings.name())).isPresent()) {
            ensure();
        }
    }

    /** The repository, ensured now unless it was before the build. */
    public EnsuredRepository ensure() {
        if (ensured == null) {
            ensured = ensure.get();
        }
        return ensured;
    }
}
