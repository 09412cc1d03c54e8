package io.ecrflow.promote;

import io.ecrflow.UserError;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryEnsurer;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.Gate;
import io.ecrflow.publish.HeldTags;
import io.ecrflow.publish.PublicationReport;
import io.ecrflow.publish.Published;
import io.ecrflow.publish.RegistryLogin;
import io.ecrflow.publish.TagPublisher;
import io.ecrflow.publish.TakenImmutableTags;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.Tag;
import io.ecrflow.publish.ScanGate;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code promote} story: the image that passed its tests gets more tags, in its repository or in
 * another one, account or region, without a pull or a rebuild. Log in to both registries, read the source
 * image's manifest, make sure the target repository exists, refuse a taken immutable tag before anything
 * is written, bring the blobs (and an index's images) over, pass the scan gate (when on) before any tag,
 * then write the very same manifest under every tag, the moving ones last, and report. The digest never changes.
 */
public final class Promote {
    private final Pipeline pipeline;
    private final Ecr sourceEcr;
    private final Ecr targetEcr;
    private final RegistryClient registries;

    /** @param sourceEcr the source registry's control plane; the same object as {@code targetEcr} for one registry */
    public Promote(Pipeline pipeline, Ecr sourceEcr, Ecr targetEcr, RegistryClient registries) {
        this.pipeline = pipeline;
        this.sourceEcr = sourceEcr;
        this.targetEcr = targetEcr;
        this.registries = registries;
    }

    public void run(PromoteOptions options) {
        RegistryLogin sourceSteps = new RegistryLogin(sourceEcr, pipeline);
        RegistryLogin targetSteps = new RegistryLogin(targetEcr, pipeline);
        RegistryCredential sourceLogin = sourceSteps.logIn();
        RegistryCredential targetLogin = sourceEcr == targetEcr ? sourceLogin : targetSteps.logIn();
        RegistryClient registry = targetSteps.renewing(sourceSteps.renewing(registries, sourceLogin), targetLogin);
        Manifest manifest = readSource(options, sourceLogin, registry);
        ImageRef source = ImageRef.pinned(sourceLogin.registry(), options.source().repository(), manifest.digest());
        List<ImageRef> refs = options.tags().refsIn(targetLogin.registry(), options.repository().name());
        Optional<RepositoryInfo> existing = targetEcr.describe(options.repository().name());
        List<ImageRef> present = tagsAlreadyOnIt(existing, refs, manifest.digest());
        EnsuredRepository repository = new RepositoryEnsurer(targetEcr, pipeline)
                .ensure(options.repository(), options.createRepository(), existing);
        ImageRef target = refs.get(0).withDigest(manifest.digest());
        if (!source.repositoryUri().equals(target.repositoryUri())) {
            if (registry.manifestDigest(target).isPresent()) {
                pipeline.info(target.repositoryUri() + " holds " + manifest.digest() + " already: nothing is copied.");
            } else {
                new ImageCopy(pipeline, registry).copyContent(manifest, source, refs.get(0));
            }
        }
        List<ImageRef> missing = refs.stream().filter(ref -> !present.contains(ref)).toList();
        passGate(options, manifest, source, target, registry, missing);
        // the gate has judged the image before the first tag
        Published published = TagPublisher.ofManifests(pipeline, registry).addTags(manifest, refs.get(0), options.tags(),
                present.stream().map(ImageRef::tag).collect(Collectors.toSet()), Gate.OPEN);
        new PublicationReport(pipeline).report(published, repository, registry);
    }

    /**
     * A gate on a promotion keeps every new tag off a vulnerable image, so it judges the image before the first
     * tag, where ECR can scan it: in its own registry, the source image; in another account or region, the copy,
     * put there by digest only (untagged), as the source account grants a promotion no more than pulls.
     */
    private void passGate(PromoteOptions options, Manifest manifest, ImageRef source, ImageRef target,
                          RegistryClient registry, List<ImageRef> missing) {
        if (!options.scanGate().enabled()) {
            return;
        }
        ImageRef judged = source;
        if (sourceEcr != targetEcr) {
            if (registry.manifestDigest(target).isEmpty()) {
                registry.putManifest(target, manifest);
                pipeline.info("Put " + target + " by digest, without a tag, for the scan gate to judge it first.");
            }
            judged = target;
        }
        ScanGate.of(pipeline, targetEcr, options.scanGate())
                .check(judged, manifest, HeldTags.every(missing));
    }

    private Manifest readSource(PromoteOptions options, RegistryCredential login, RegistryClient registry) {
        PromoteOptions.Source source = options.source();
        ImageRef ref = source.tag().map(tag -> ImageRef.tagged(login.registry(), source.repository(), tag))
                .orElseGet(() -> ImageRef.pinned(login.registry(), source.repository(), source.digest().orElseThrow()));
        if (sourceEcr.describe(source.repository()).isEmpty()) {
            throw new UserError("The source repository " + source.repository() + " does not exist in " + login.registry()
                    + ". Check sourceRepository, and sourceRegistryId / sourceRegion when the image is in another "
                    + "account or region.", "sourceRepository");
        }
        if (registry.manifestDigest(ref).isEmpty()) {
            throw new UserError("The source image " + ref + " does not exist. Check " + (source.tag().isPresent()
                    ? "sourceTag" : "sourceDigest") + ".", source.tag().isPresent() ? "sourceTag" : "sourceDigest");
        }
        Manifest manifest = registry.manifest(ref);
        pipeline.info("Promoting " + ref + " (" + manifest.digest() + (manifest.isIndex()
                ? ", an index of " + manifest.entries().size() + " images" : "") + ").");
        return manifest;
    }

    /**
     * An immutable tag already there must hold this very digest: then it is left as it is (a rerun, or a
     * promotion done before); any other image under it refuses the whole promotion up front. Tags the
     * repository lets move are written as usual.
     */
    private List<ImageRef> tagsAlreadyOnIt(Optional<RepositoryInfo> repository, List<ImageRef> refs, Digest digest) {
        Map<Tag, Digest> taken = TakenImmutableTags.in(targetEcr, repository, refs.stream().map(ImageRef::tag).toList());
        List<Tag> foreign = taken.entrySet().stream().filter(e -> !e.getValue().equals(digest)).map(Map.Entry::getKey).toList();
        if (!foreign.isEmpty()) {
            throw new UserError(foreign.stream().map(Tag::value).collect(Collectors.joining("', '", "'", "'"))
                    + " already hold" + (foreign.size() == 1 ? "s" : "") + " another image ("
                    + foreign.stream().map(taken::get).map(Digest::toString).distinct().collect(Collectors.joining(", "))
                    + ") and " + (foreign.size() == 1 ? "is one" : "are") + " of the immutable tags of repository "
                    + repository.get().name() + " (tags " + repository.get().mutability().describe()
                    + "), so nothing was promoted. Promote under tags that are new in that repository.", "tags");
        }
        List<ImageRef> present = refs.stream().filter(ref -> taken.containsKey(ref.tag())).toList();
        if (!present.isEmpty()) {
            pipeline.info(present.stream().map(ref -> ref.tag().value()).collect(Collectors.joining(", "))
                    + " already hold" + (present.size() == 1 ? "s " : " ") + digest + "; left as they are.");
        }
        return present;
    }
}
