package io.ecrflow.cli;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.Ecr;
import io.ecrflow.buildpush.BuildPush;
import io.ecrflow.buildpush.BuildPushOptions;
import io.ecrflow.buildpush.ImageSource;
import io.ecrflow.devops.BuildTags;
import io.ecrflow.docker.BuildSecret;
import io.ecrflow.docker.BuildTimeout;
import io.ecrflow.docker.BuilderChoice;
import io.ecrflow.docker.DockerJavaEngine;
import io.ecrflow.docker.ImageBuilder;
import io.ecrflow.docker.TargetPlatform;
import io.ecrflow.publish.Published;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.HttpRegistryClient;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.publish.ScanGate;
import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.tagging.KeyValues;
import io.ecrflow.tagging.OciLabels;
import io.ecrflow.tagging.TagPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** {@code build-push}: build an image from a Dockerfile (or take one an earlier step built) and push every tag to an ECR repository. */
@Command(name = "build-push", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build an image and push it to Amazon ECR under every tag, creating the repository if needed.")
public final class BuildPushCommand extends RunnerCommand {
    private static final java.util.regex.Pattern SSH_FORWARD = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+(=[^,]+(,[^,]+)*)?");

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--repository", paramLabel = "NAME",
            description = "ECR repository name, e.g. team/web. ECR names are lower case; capitals are lowered with a warning.")
    String repository;

    @Option(names = "--image", paramLabel = "LOCAL IMAGE",
            description = "Push an image an earlier step of this job built (docker build -t web:$(Build.BuildId) ., or Docker@2 "
                    + "with command: build) instead of building: its local name or id. The same tags, outputs and checks as "
                    + "a build. Not with the inputs of a build (dockerfile, context, buildArgs, secrets...). A "
                    + "Microsoft-hosted agent starts each job with an empty engine, so build it in the same job.")
    String image;

    @Option(names = "--tags", paramLabel = "TEMPLATES",
            description = "One tag template per line (or comma-separated). $(Variable) and $(Variable:N) (first N characters) "
                    + "expand pipeline variables; results are made into valid tags. Default: $(buildNumber), $(branch), "
                    + "$(commit:8), the CI's own values (in Azure Pipelines $(Build.BuildId), $(Build.SourceBranchName), "
                    + "$(Build.SourceVersion:8)).")
    List<String> tags;

    @Mixin
    BuildOptions build = new BuildOptions(false);

    @Option(names = "--target", paramLabel = "STAGE",
            description = "Build only up to this stage of a multi-stage Dockerfile.")
    String target;

    @Option(names = "--labels", paramLabel = "K=V", description = "Extra name=value image labels, one per line.")
    List<String> labels;

    @Option(names = "--arguments", paramLabel = "DOCKER BUILD OPTIONS",
            description = "As in Docker@2: docker build options on one line, read as the inputs they stand for: --build-arg "
                    + "NAME=value, --label, --target, --platform, --no-cache, --pull, --file. Any other option is an error "
                    + "naming the input to use.")
    String arguments;

    @Option(names = "--oci-labels", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "Adds org.opencontainers.image.revision, .source, .created and .version labels from the build's "
                    + "commit, repository, time and the run's name (Build.BuildNumber). Default: ${DEFAULT-VALUE}.")
    String ociLabels;

    @Option(names = "--secrets", paramLabel = "id=ID,env=VAR|id=ID,src=FILE",
            description = "BuildKit secrets for RUN --mount=type=secret,id=<id>, one per line: id=npm,env=NPM_TOKEN (map the "
                    + "secret variable into the step with env: NPM_TOKEN: $(npmToken)) or id=npmrc,src=.npmrc. Values never "
                    + "reach the log, a layer or the image's history.")
    List<String> secrets;

    @Option(names = "--ssh", paramLabel = "default|ID=PATH",
            description = "SSH agent forwards for RUN --mount=type=ssh (BuildKit), one per line: default (the agent's "
                    + "SSH_AUTH_SOCK) or <id>=<socket or key file>.")
    List<String> ssh;

    @Option(names = "--remove-local-image", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Once the image is published, remove the names this run gave it in the agent's Docker Engine, so "
                    + "images do not pile up on self-hosted agents. Other images, and other runs' tags of the same image, "
                    + "stay. Default: ${DEFAULT-VALUE}.")
    String removeLocalImage;

    @Option(names = "--push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "Publish the image. Off: build it (every tag in the agent's Docker Engine) and publish nothing, for a "
                    + "pull request's validation: no repository created, no tag pushed, no scan gate, no registry cache. "
                    + "Default: ${DEFAULT-VALUE}.")
    String push;

    @Mixin
    CreatedRepositoryOptions newRepository;

    @Mixin
    ScanGateOptions scanGate;

    @Mixin
    PublicCatalogOptions publicCatalog;

    @Mixin
    BuildTagsOptions buildTags;

    @Override
    protected void execute(RunContext run) {
        BuildPushOptions options = options(run);
        BuildTags tags = buildTags.buildTags(run);
        ScanGateSettings gate = scanGate.settings();
        BuildTimeout timeout = BuildTimeout.of(build.buildTimeout());
        try (DockerJavaEngine engine = DockerJavaEngine.connect(run.env().asMap())) {
            // A build looks for its builder while the credentials are checked and ECR logs in; a push needs none.
            Supplier<ImageBuilder> builder = options.source() instanceof ImageSource.Dockerfile dockerfile
                    ? new BuilderChoice(engine.connection(), run.env().asMap(), run.pipeline().tempDirectory(), timeout)
                    .chooseInBackground(dockerfile.build().builder(), run.pipeline()::info)
                    : () -> {
                        throw new IllegalStateException("an image built earlier is pushed, not built");
                    };
            try (Ecr ecr = run.registry(aws.target())) {
                BuildPush story = new BuildPush(run.pipeline(), ecr, HttpRegistryClient.create(Set.of(),
                        run.pipeline()::warning), engine, builder, ScanGate.of(run.pipeline(), ecr, gate));
                if (!publishes(options, gate, run)) {
                    story.buildOnly(options);
                    return;
                }
                Published published = story.run(options);
                tags.tag(published.refs().get(0), published.digest());
            }
        }
    }

    /**
     * Whether the run publishes ({@code push}): a build-only run has nothing to gate, to tag the run with, or to take
     * out of the engine, so those inputs are refused with it rather than silently doing nothing.
     */
    private boolean publishes(BuildPushOptions options, ScanGateSettings gate, RunContext run) {
        if (Inputs.bool(push, "push")) {
            return true;
        }
        if (options.source() instanceof ImageSource.LocalImage) {
            throw new UserError("Input 'push' is false and 'image' names an image an earlier step built: with nothing to "
                    + "build and nothing to push there is nothing to do. Remove 'image', or set push to true.", "push");
        }
        if (options.removeLocalImage()) {
            throw new UserError("Input 'push' is false, so the image stays in the Docker Engine for later steps; "
                    + "removeLocalImage would remove the only copy. Remove one of them.", "push");
        }
        if (gate.enabled()) {
            run.pipeline().info("push is false: the scan gate judges published images only, so it does not run.");
        }
        return false;
    }

    BuildPushOptions options(RunContext run) {
        RepositoryName name = Inputs.repository(repository, run.pipeline());
        Optional<String> local = Inputs.text(image);
        local.ifPresent(this::refuseBuildInputs);
        TagPlan plan = TagPlan.from(Inputs.list(tags, "tags"), run.pipeline()::variable);
        plan.notes().forEach(run.pipeline()::info);
        RepositorySettings settings = publicCatalog.applyTo(newRepository.settings(name, run.workingDirectory()),
                aws.publicRegistry(), run.workingDirectory());
        ImageSource source = local.<ImageSource>map(ImageSource.LocalImage::new)
                .orElseGet(() -> dockerfileBuild(run, name, plan));
        return new BuildPushOptions(settings, newRepository.createRepository(), plan,
                Inputs.bool(removeLocalImage, "removeLocalImage"), source);
    }

    private ImageSource.Dockerfile dockerfileBuild(RunContext run, RepositoryName name, TagPlan plan) {
        DockerArguments extra = DockerArguments.parse(Inputs.text(arguments));
        BuildFiles files = build.files(run.workingDirectory(), either("dockerfile", build.dockerfile(), extra.dockerfile()));
        Map<String, String> imageLabels = new LinkedHashMap<>();
        if (Inputs.bool(ociLabels, "ociLabels")) {
            imageLabels.putAll(OciLabels.from(run.pipeline()::variable, Clock.systemUTC()));
        }
        imageLabels.putAll(KeyValues.parse(Inputs.list(labels), "labels"));
        imageLabels.putAll(KeyValues.parse(extra.labels(), DockerArguments.INPUT));
        Map<String, String> buildArgs = new LinkedHashMap<>(build.buildArgs());
        extra.buildArgs().forEach((key, value) -> either("buildArgs " + key, Optional.ofNullable(buildArgs.get(key)),
                Optional.of(value)).ifPresent(agreed -> buildArgs.put(key, agreed)));
        Optional<String> platform = either("platform", build.platform(),
                extra.platform().map(text -> TargetPlatform.parse(text, DockerArguments.INPUT).toString()));
        CacheRef cache = build.cacheRef(name);
        build.checkRegistryCache(cache, name, plan.tags(), "tags");
        return new ImageSource.Dockerfile(new BuildSettings(files.context(), files.dockerfile(), buildArgs,
                either("target", Inputs.text(target), extra.target()), platform,
                build.noCache() || extra.noCache(), build.pull() || extra.pull(), build.builder(),
                build.registryCache(), cache, buildSecrets(run), sshForwards()), imageLabels);
    }

    /** A setting given both as an input and in Docker@2's arguments must say the same thing once. */
    private static Optional<String> either(String input, Optional<String> given, Optional<String> inArguments) {
        if (given.isPresent() && inArguments.isPresent() && !given.get().equals(inArguments.get())) {
            throw new UserError("Input '" + input + "' says '" + given.get() + "' and input 'arguments' says '"
                    + inArguments.get() + "': give it once.", DockerArguments.INPUT);
        }
        return given.or(() -> inArguments);
    }

    /**
     * An image built earlier is pushed as it is: an input that shapes a build would be silently ignored, so it is an
     * error. Inputs the agent always passes count only when they differ from their defaults.
     */
    private void refuseBuildInputs(String local) {
        try {
            ImageRef.parse(local);
        } catch (IllegalArgumentException e) {
            if (!local.matches("(sha256:)?[0-9a-f]{12,64}")) {
                throw new UserError("Input 'image' is '" + local + "', which is neither an image name nor an image id: "
                        + e.getMessage() + ".", "image");
            }
        }
        List<String> given = new ArrayList<>(build.given());
        given.addAll(OptionDefaults.given(spec, "--target", "--" + DockerArguments.INPUT, "--labels", "--secrets", "--ssh"));
        if (!given.isEmpty()) {
            String names = given.stream().map(input -> "'" + input + "'").collect(Collectors.joining(", "));
            throw new UserError("Input 'image' pushes " + local + ", which an earlier step built, so nothing is built here; "
                    + "but " + names + (given.size() == 1 ? " is an input" : " are inputs") + " of a build. Remove "
                    + names + ", or remove 'image' to build the image in this step.", "image");
        }
    }

    /**
     * The secrets, each value registered with the CI before the build can print it (a RUN step that echoes it);
     * a variable the step lacks is named at once, not by a build that fails half-way.
     */
    private List<BuildSecret> buildSecrets(RunContext run) {
        List<BuildSecret> parsed = lines(secrets).stream()
                .map(text -> BuildSecret.parse(text, run.workingDirectory())).toList();
        for (BuildSecret secret : parsed) {
            secret.environmentVariable().ifPresent(name -> run.pipeline().registerSecret(Secret.of(run.env().get(name)
                    .orElseThrow(() -> new UserError("Build secret '" + secret.id() + "' takes its value from the environment "
                            + "variable " + name + ", which this step does not have. Map it into the step (in Azure Pipelines: "
                            + "env: " + name + ": $(yourSecretVariable)).", "secrets")))));
        }
        return parsed;
    }

    /** One per line (or per repeated option): a secret's own fields are comma-separated. */
    private static List<String> lines(List<String> values) {
        return values == null ? List.of() : values.stream().flatMap(String::lines).map(String::trim)
                .filter(line -> !line.isEmpty()).toList();
    }

    private List<String> sshForwards() {
        List<String> forwards = lines(ssh);
        forwards.stream().filter(forward -> !SSH_FORWARD.matcher(forward).matches()).findFirst().ifPresent(bad -> {
            throw new UserError("SSH forward '" + bad + "' is not default or <id>[=<socket or key file>], as docker build "
                    + "--ssh takes it.", "ssh");
        });
        return forwards;
    }
}
