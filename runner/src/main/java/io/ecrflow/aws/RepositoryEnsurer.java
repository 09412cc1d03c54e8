package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.RepositoryName;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Makes sure the repository exists before anything is pushed: describe, create when missing (a race
 * with a parallel run that creates it first is fine), and apply the lifecycle policy (unless the repository
 * has it already) and, for ECR Public, the catalog data, when given.
 */
public final class RepositoryEnsurer {
    private static final Map<RepositoryName, Object> POLICY_WRITES = new ConcurrentHashMap<>();

    private final Ecr ecr;
    private final Pipeline pipeline;

    public RepositoryEnsurer(Ecr ecr, Pipeline pipeline) {
        this.ecr = ecr;
        this.pipeline = pipeline;
    }

    public EnsuredRepository ensure(RepositorySettings settings, boolean createIfMissing) {
        return ensure(settings, createIfMissing, ecr.describe(settings.name()));
    }

    /** As {@link #ensure(RepositorySettings, boolean)}, with the repository as this run described it already. */
    public EnsuredRepository ensure(RepositorySettings settings, boolean createIfMissing, Optional<RepositoryInfo> found) {
        EnsuredRepository ensured = found
                .map(existing -> {
                    pipeline.info("Repository " + existing.uri() + " exists.");
                    noteDifferences(existing, settings);
                    return new EnsuredRepository(existing, false);
                })
                .orElseGet(() -> create(settings, createIfMissing));
        applyLifecyclePolicy(settings);
        if (found.isPresent()) {
            // A new repository got its catalog with CreateRepository; an existing one is brought up to date.
            settings.catalog().ifPresent(catalog -> {
                ecr.putCatalogData(settings.name(), catalog);
                pipeline.info("Catalog data of " + ensured.info().uri() + " updated (" + catalog.summary() + ").");
            });
        }
        return ensured;
    }

    /** Puts the settings' lifecycle policy, if any, as {@link #applyLifecyclePolicy(RepositoryName, Function)}. */
    public void applyLifecyclePolicy(RepositorySettings settings) {
        settings.lifecyclePolicy().ifPresent(policy -> applyLifecyclePolicy(settings.name(), current -> policy));
    }

    /**
     * Puts the policy {@code wanted} makes of the repository's current one (empty when it has none), shown in the
     * log first, unless the repository has those rules already: then nothing is written. A policy it replaces is
     * shown too, so that it is not lost.
     */
    public void applyLifecyclePolicy(RepositoryName name, Function<Optional<String>, String> wanted) {
        // Images of one images file that share a repository run at once: each reads and writes the one policy
        // in turn, so that no image's rules are lost to another's write.
        synchronized (POLICY_WRITES.computeIfAbsent(name, n -> new Object())) {
            applyLifecyclePolicyNow(name, wanted);
        }
    }

    private void applyLifecyclePolicyNow(RepositoryName name, Function<Optional<String>, String> wanted) {
        Optional<String> current = ecr.lifecyclePolicy(name);
        String policy = wanted.apply(current);
        if (current.isPresent() && LifecyclePolicy.sameRules(current.get(), policy)) {
            pipeline.info("Lifecycle policy of " + name + " is up to date.");
            return;
        }
        pipeline.beginGroup("Lifecycle policy for " + name);
        LifecyclePolicy.pretty(policy).lines().forEach(pipeline::info);
        current.ifPresent(replaced -> {
            pipeline.info("It replaces the policy the repository had:");
            LifecyclePolicy.pretty(replaced).lines().forEach(pipeline::info);
        });
        pipeline.endGroup();
        ecr.putLifecyclePolicy(name, policy);
        pipeline.info("Lifecycle policy applied to " + name + ".");
    }

    private EnsuredRepository create(RepositorySettings settings, boolean createIfMissing) {
        if (!createIfMissing) {
            throw new UserError("Repository '" + settings.name() + "' does not exist and createRepository is false. "
                    + "Create it first, or set createRepository to true so ecrflow creates it.", "createRepository");
        }
        try {
            RepositoryInfo created = ecr.create(settings);
            pipeline.info("Created repository " + created.uri() + " (" + created.describeSettings()
                    + settings.catalog().map(catalog -> ", catalog: " + catalog.summary()).orElse("") + ").");
            return new EnsuredRepository(created, true);
        } catch (Ecr.RepositoryAlreadyExists raced) {
            // Another run created it between our describe and create: use theirs, found rather than created.
            return new EnsuredRepository(ecr.describe(settings.name()).orElseThrow(() -> new UserError(
                    "Repository '" + settings.name() + "' was reported as existing but cannot be described. Check "
                            + "the ecr:DescribeRepositories permission and the registry id.")), false);
        }
    }

    private void noteDifferences(RepositoryInfo existing, RepositorySettings wanted) {
        if (!existing.mutability().equals(wanted.mutability())) {
            pipeline.warning("Repository " + existing.name() + "'s tags are " + existing.mutability().describe()
                    + " but tagMutability asks for " + wanted.mutability().describe()
                    + "; settings of existing repositories are left as they are.");
        }
    }
}
