package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.AwsTarget;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.promote.Promote;
import io.ecrflow.promote.PromoteOptions;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.HttpRegistryClient;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;
import io.ecrflow.tagging.TagSanitizer;
import io.ecrflow.tagging.TagTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** {@code promote}: give an image already in ECR more tags, in its repository or another account or region, without rebuilding. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Promote an image already in Amazon ECR to more tags, in the same repository or another "
                + "repository, account or region: no pull, no rebuild, the same digest.")
public final class PromoteCommand extends RunnerCommand {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d");

    @Mixin
    AwsOptions aws;

    @Option(names = "--source-repository", paramLabel = "NAME",
            description = "Repository of the image to promote, e.g. team/web.")
    String sourceRepository;

    @Option(names = "--source-tag", paramLabel = "TAG",
            description = "Tag of the image to promote, a tag template as in EcrBuildPush: $(Build.SourceVersion:8) names the "
                    + "tag EcrBuildPush gives the commit by default. Give this or the source digest.")
    String sourceTag;

    @Option(names = "--source-digest", paramLabel = "DIGEST",
            description = "Digest of the image to promote, sha256:... (an earlier step's digest output). Give this or the "
                    + "source tag.")
    String sourceDigest;

    @Option(names = "--source-registry-id", paramLabel = "ACCOUNT",
            description = "12-digit account id of the registry the image is in. Default: the account of the credentials (not "
                    + "the target's registry id).")
    String sourceRegistryId;

    @Option(names = "--source-region", paramLabel = "REGION",
            description = "Region of the registry the image is in, e.g. us-east-1. Default: the target's region.")
    String sourceRegion;

    @Option(names = "--repository", paramLabel = "NAME",
            description = "Repository the image is promoted to. Default: the source repository (a retag).")
    String repository;

    @Option(names = "--tags", paramLabel = "TEMPLATES",
            description = "One tag template per line (or comma-separated), e.g. prod. $(Variable) and $(Variable:N) expand "
                    + "pipeline variables. Default: the source tag. Tags that move (latest, branch names) are written last.")
    List<String> tags;

    @Mixin
    CreatedRepositoryOptions newRepository;

    @Mixin
    ScanGateOptions scanGate;

    @Override
    protected void execute(RunContext run) {
        PromoteOptions options = options(run);
        try (Ecr target = run.ecr(options.targetRegistry())) {
            if (options.sameRegistry()) {
                new Promote(run.pipeline(), target, target, HttpRegistryClient.create(Set.of(), run.pipeline()::warning)).run(options);
                return;
            }
            try (Ecr source = run.ecr(options.sourceRegistry())) {
                new Promote(run.pipeline(), source, target, HttpRegistryClient.create(Set.of(), run.pipeline()::warning)).run(options);
            }
        }
    }

    PromoteOptions options(RunContext run) {
        if (aws.publicRegistry()) {
            throw new UserError("promote works with private ECR registries only; remove 'public'.", "public");
        }
        RepositoryName from = RepositoryName.fromInput(Inputs.required(sourceRepository, "sourceRepository"), "sourceRepository");
        PromoteOptions.Source source = source(from, run.pipeline()::variable);
        RepositoryName to = Inputs.text(repository).map(name -> RepositoryName.fromInput(name, "repository")).orElse(from);
        AwsTarget target = aws.target();
        AwsTarget sourceTarget = new AwsTarget(Inputs.text(sourceRegion).map(PromoteCommand::region).or(target::region),
                target.endpoint(), Inputs.text(sourceRegistryId).map(PromoteCommand::account),
                target.credentials(), false, Optional.empty());
        List<String> templates = Inputs.list(tags, "tags");
        if (templates.isEmpty()) {
            templates = List.of(source.tag().map(Tag::value).orElseThrow(() -> new UserError("Input 'tags' is required "
                    + "when the source is given by digest: name the tags the image gets.", "tags")));
        }
        TagPlan plan = TagPlan.from(templates, run.pipeline()::variable);
        plan.notes().forEach(run.pipeline()::info);
        RepositorySettings settings = newRepository.settings(to, run.workingDirectory());
        return new PromoteOptions(sourceTarget, source, target, settings, newRepository.createRepository(),
                plan, scanGate.settings());
    }

    private PromoteOptions.Source source(RepositoryName from, Function<String, Optional<String>> variables) {
        Optional<String> tag = Inputs.text(sourceTag).map(template -> expanded(template, variables));
        Optional<String> digest = Inputs.text(sourceDigest);
        if (tag.isPresent() == digest.isPresent()) {
            throw new UserError("Give exactly one of sourceTag and sourceDigest: the image to promote"
                    + (tag.isPresent() ? ", not both." : "."), "sourceTag");
        }
        if (tag.isPresent() && !Tag.isValid(tag.get())) {
            throw new UserError("sourceTag '" + tag.get() + "' is not a valid tag (up to 128 letters, digits, '_', '.' "
                    + "and '-', not starting with '.' or '-').", "sourceTag");
        }
        Optional<Digest> parsed = digest.map(text -> {
            try {
                return Digest.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UserError("sourceDigest '" + text + "' is not a digest such as sha256:<64 hex digits>.", "sourceDigest");
            }
        });
        return new PromoteOptions.Source(from, tag.map(Tag::of), parsed);
    }

    /**
     * The source tag as build-push wrote it from the same template: {@code $(Build.SourceVersion:8)} or
     * {@code $(buildNumber)} expanded and made a tag the same way, so a release stage names the image as the build
     * stage's {@code tags} did.
     */
    private static String expanded(String template, Function<String, Optional<String>> variables) {
        try {
            TagTemplate parsed = TagTemplate.parse(template);
            return TagSanitizer.sanitize(parsed.expand(variables), parsed).value();
        } catch (UserError e) {
            throw new UserError(e.getMessage(), "sourceTag", e);
        }
    }

    private static String account(String value) {
        if (!ACCOUNT.matcher(value).matches()) {
            throw new UserError("Source registry id '" + value + "' is not an AWS account id (12 digits).", "sourceRegistryId");
        }
        return value;
    }

    private static String region(String value) {
        if (!REGION.matcher(value).matches()) {
            throw new UserError("Source region '" + value + "' is not an AWS region such as eu-west-1.", "sourceRegion");
        }
        return value;
    }
}
