package io.ecrflow.cli;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.SdkEcr;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.devops.BuildTags;
import io.ecrflow.devops.Dependent;
import io.ecrflow.devops.DependentRuns;
import io.ecrflow.devops.Dependents;
import io.ecrflow.devops.DevOpsConnection;
import io.ecrflow.devops.RestAzureDevOps;
import io.ecrflow.docker.BuildTimeout;
import io.ecrflow.docker.BuilderChoice;
import io.ecrflow.docker.DockerJavaEngine;
import io.ecrflow.docker.EngineContainers;
import io.ecrflow.notify.TeamsChannel;
import io.ecrflow.notify.TeamsWebhook;
import io.ecrflow.pipeline.SectionPipeline;
import io.ecrflow.dockerfile.BaseImage;
import io.ecrflow.platform.PlatformImage;
import io.ecrflow.platform.PlatformImageOptions;
import io.ecrflow.platform.PlatformImageOptions.Notifications;
import io.ecrflow.platform.PlatformImageOptions.UpstreamLogin;
import io.ecrflow.platform.TestApp;
import io.ecrflow.platform.Version;
import io.ecrflow.platform.NewVersionTags;
import io.ecrflow.platform.OldVersions;
import io.ecrflow.platform.VersionRetention;
import io.ecrflow.platform.VersionTags;
import io.ecrflow.registry.CacheRef;
import io.ecrflow.registry.HttpRegistryClient;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.publish.ScanGate;
import io.ecrflow.publish.ScanGateSettings;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.tagging.TagPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code platform-image}: keep a platform image up to date with its upstream base image. */
@Command(name = "platform-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publish a new version of a platform image when its base image changed upstream (or when forced): "
                + "check by digest, build, run an integration test, push <prefix>-X.Y.Z, extra tags and latest, notify Teams.")
public final class PlatformImageCommand extends RunnerCommand {
    /** Far beyond any platform image's history, so that a typo of a few digits is caught. */
    static final int KEEP_VERSIONS_MAX = 1000;

    @Mixin
    AwsOptions aws;

    @Option(names = "--repository", paramLabel = "NAME", description = "ECR repository of the platform image, e.g. platform/runtime.")
    String repository;

    @Option(names = "--dockerfile", paramLabel = "PATH",
            description = "The platform image's Dockerfile, or a pattern matching exactly one (**/Dockerfile). Default: Dockerfile in the context.")
    String dockerfile;

    @Option(names = "--context", paramLabel = "DIR",
            description = "Build context folder. Default: the Dockerfile's folder (as in Docker@2), the current folder without a dockerfile.")
    String context;

    @Option(names = "--version-prefix", paramLabel = "PREFIX",
            description = "Version tags are <prefix>-MAJOR.MINOR.PATCH, e.g. 6.0-bullseye-slim gives 6.0-bullseye-slim-1.0.0. Default: none (plain 1.0.0).")
    String versionPrefix;

    @Option(names = "--bump", paramLabel = "major|minor|patch", description = "Which number a new version increases. Default: minor.")
    String bump;

    @Option(names = "--force-update", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Publish a new version without comparing the base image (after a change to the platform Dockerfile). Default: false.")
    String forceUpdate;

    @Option(names = "--extra-tags", paramLabel = "TAGS",
            description = "Tags that move to every new version, comma- or newline-separated, e.g. 6.0,$(Build.BuildNumber).")
    List<String> extraTags;

    @Option(names = "--tag-latest", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Also move 'latest' to every new version (pushed last). Default: true.")
    String tagLatest;

    @Option(names = "--base-image", paramLabel = "IMAGE",
            description = "The upstream image to watch. Default: the base of the Dockerfile's last stage.")
    String baseImage;

    @Option(names = "--upstream-username", paramLabel = "USER",
            description = "User name for a private base image registry; the password only from the INPUT_UPSTREAMPASSWORD secret.")
    String upstreamUsername;

    @Option(names = "--insecure-registries", paramLabel = "HOSTS",
            description = "Registry hosts to read over plain HTTP instead of HTTPS, comma- or newline-separated.")
    List<String> insecureRegistries;

    @Mixin
    BuildOptions build;

    @Option(names = "--pull", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Pull the base image even when the engine has a copy, so the build uses what was checked. Default: true.")
    String pull;

    @Option(names = "--push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Publish the new version. false builds it and runs its integration test, and publishes "
                    + "nothing, for a pull request's validation: no repository created, no tag pushed, no version retired. "
                    + "Default: true.")
    String push;

    @Option(names = "--test-dockerfile", paramLabel = "PATH",
            description = "Dockerfile of the test application. Default: Dockerfile in testContext; no test when neither is set.")
    String testDockerfile;

    @Option(names = "--test-context", paramLabel = "DIR", description = "Build context of the test application. Default: the test Dockerfile's folder.")
    String testContext;

    @Option(names = "--test-base-arg", paramLabel = "NAME",
            description = "Build argument that receives the new platform image. Default: replace the FROM naming the platform image or its base.")
    String testBaseArg;

    @Option(names = "--test-port", paramLabel = "PORT", description = "Port the test application listens on. Default: 8080.")
    String testPort;

    @Option(names = "--test-path", paramLabel = "PATH", description = "Path asked for with GET. Default: /.")
    String testPath;

    @Option(names = "--test-status", paramLabel = "CODE", description = "HTTP status that means the application works. Default: 200.")
    String testStatus;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", description = "How long to wait for that answer, e.g. 60 or 2m. Default: 60.")
    String testTimeout;

    @Option(names = "--notify-on-failure", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Also post a Teams card when the run fails. Default: false.")
    String notifyOnFailure;

    @Option(names = "--notify-fatal", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Fail the run when the Teams card cannot be posted (otherwise a warning). Default: false.")
    String notifyFatal;

    @Option(names = "--dependents", paramLabel = "PIPELINES",
            description = "Pipelines of this project to queue once a new version is published, one per line: "
                    + "<pipeline id or name>[@<branch>] [name=value ...] (template parameters, quoted as in a shell), "
                    + "e.g. 42@main baseTag=6.0 or Apps/web-shop. Needs an Azure Pipelines job: the job's access token "
                    + "queues them.")
    List<String> dependents;

    @Option(names = "--dependents-fatal", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Fail the run when a dependent pipeline cannot be queued (otherwise a warning). Default: false.")
    String dependentsFatal;

    @Option(names = "--scan-on-push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "For a new repository: scan images on push. Default: true.")
    String scanOnPush;

    @Option(names = "--tag-mutability", paramLabel = TagMutabilityOptions.MODES,
            description = "For a new repository: which tags may move. IMMUTABLE_WITH_EXCLUSION without "
                    + "mutabilityExclusions keeps version tags fixed and lets latest and the extra tags move. "
                    + "Default: IMMUTABLE_WITH_EXCLUSION.")
    String tagMutability;

    @Mixin
    TagMutabilityOptions mutabilityExclusions;

    @Option(names = "--keep-versions", paramLabel = "N",
            description = "Keep the newest N version tags (<prefix>-X.Y.Z) with a lifecycle policy ecrflow generates, "
                    + "shown before it is applied; images that latest, the extra tags or the registry cache point at "
                    + "are never expired, other tags are left alone. 1 to " + KEEP_VERSIONS_MAX
                    + ". Not with lifecyclePolicy. Default: no policy.")
    String keepVersions;

    @Option(names = "--retention-action", paramLabel = "expire|archive",
            description = "With keepVersions: what happens to the versions past the newest N. expire deletes them; "
                    + "archive moves them to ECR's archive storage class (cheaper, tags kept, not pullable until "
                    + "restored). Default: expire.")
    String retentionAction;

    @Option(names = "--archive-days", paramLabel = "N",
            description = "With retentionAction archive: expire archived versions N days after they were archived "
                    + "(90 or more, ECR's minimum). Default: archived versions stay.")
    String archiveDays;

    @Mixin
    NewRepositoryOptions newRepository;

    @Mixin
    ScanGateOptions scanGate;

    @Mixin
    BuildTagsOptions buildTagsOptions;

    @Option(names = "--images-file", paramLabel = "FILE",
            description = "A YAML file listing many platform images (defaults, and images each with an id and the "
                    + "inputs of this command as keys), all checked in one run; the other inputs given to the step "
                    + "lie under the file's. Default: none (one image, from the inputs).")
    String imagesFile;

    @Option(names = "--parallel", paramLabel = "N",
            description = "With imagesFile: how many images are checked at once (builds run one at a time). Default: 4.")
    String parallel;

    @Option(names = "--image-ids", paramLabel = "IDS",
            description = "With imagesFile: the ids of the images to run, comma- or newline-separated (one slice of a large "
                    + "file, e.g. one job of a matrix). Default: every image of the file.")
    List<String> imageIds;

    @Spec
    CommandSpec spec;

    @Override
    protected void execute(RunContext run) {
        Optional<String> file = Inputs.text(imagesFile);
        if (file.isPresent()) {
            images(run, file.get());
            return;
        }
        if (!Inputs.list(imageIds).isEmpty()) {
            throw new UserError("imageIds chooses images of an images file, but imagesFile is not set. Set imagesFile, "
                    + "or leave imageIds out for one image given by the inputs.", "imageIds");
        }
        ImageRun image = prepare(run);
        try (SdkEcr ecr = run.ecr(aws.target()); DockerJavaEngine engine = DockerJavaEngine.connect(run.env().asMap())) {
            image.connect(run, ecr, engine).run(image.options());
        }
    }

    /** One image's inputs, all checked; what is left is to connect its flow to ECR and the engine. */
    record ImageRun(PlatformImageOptions options, ScanGateSettings gate, BuildTimeout timeout,
                    Optional<TeamsChannel> teams, DependentRuns dependentRuns, BuildTags buildTags, Set<String> insecure) {

        PlatformImage connect(RunContext run, SdkEcr ecr, DockerJavaEngine engine) {
            return new PlatformImage(run.pipeline(), ecr, HttpRegistryClient.create(insecure, run.pipeline()::warning),
                    engine, new EngineContainers(engine.connection()),
                    () -> new BuilderChoice(engine.connection(), run.env().asMap(), run.pipeline().tempDirectory(), timeout)
                            .choose(options.build().builder(), run.pipeline()::info),
                    teams, ScanGate.of(run.pipeline(), ecr, gate), dependentRuns, buildTags, Clock.systemUTC());
        }
    }

    private ImageRun prepare(RunContext run) {
        PlatformImageOptions options = options(run);
        ScanGateSettings gate = scanGate.settings();
        BuildTimeout timeout = BuildTimeout.of(build.buildTimeout());
        Optional<TeamsChannel> teams = teamsChannel(run, options.notifications());
        DependentRuns dependentRuns = dependentRuns(run, options.dependents());
        Set<String> insecure = new HashSet<>();
        Inputs.list(insecureRegistries).forEach(host -> insecure.add(host.toLowerCase(Locale.ROOT)));
        return new ImageRun(options, gate, timeout, teams, dependentRuns, buildTagsOptions.buildTags(run), insecure);
    }

    private void images(RunContext run, String fileName) {
        int checksAtOnce = number(parallel, 4, 1, 64, "parallel");
        List<FileImage> images = fileImages(run, fileName);
        try (SdkEcr ecr = run.ecr(aws.target()); DockerJavaEngine engine = DockerJavaEngine.connect(run.env().asMap())) {
            List<PlatformImageFleet.Member> members = images.stream().map(image -> new PlatformImageFleet.Member(
                    image.id(), image.log(), image.image().connect(image.context(), ecr, engine), image.image().options()))
                    .toList();
            new PlatformImageFleet(run.pipeline(), checksAtOnce).run(members);
        }
    }

    /** One image of the file: its id, the run it sees (its own log section), and its inputs. */
    record FileImage(String id, RunContext context, SectionPipeline log, ImageRun image) {
    }

    /**
     * Every image of the file, each entry read as this command's inputs; a mistake in any entry stops the run
     * before anything is checked, so a file is never half acted on for a typo.
     */
    List<FileImage> fileImages(RunContext run, String fileName) {
        ImagesFile file = ImagesFile.read(run.workingDirectory().resolve(fileName), fileName);
        ImageEntryInputs.checkKeys(file, spec);
        List<FileImage> images = new ArrayList<>();
        for (ImagesFile.Entry entry : file.chosen(Inputs.list(imageIds, "imageIds"))) {
            SectionPipeline log = new SectionPipeline(run.pipeline(), entry.id(), "Platform image " + entry.id());
            RunContext context = new RunContext(log, run.env(), run.workingDirectory());
            ImageEntryInputs inputs = new ImageEntryInputs(file, entry, spec);
            PlatformImageCommand command = new PlatformImageCommand();
            CommandLine commandLine = new CommandLine(command);
            commandLine.setDefaultValueProvider(inputs);
            commandLine.parseArgs();
            try {
                images.add(new FileImage(entry.id(), context, log, command.prepare(context)));
            } catch (UserError e) {
                throw inputs.about(e);
            }
        }
        return images;
    }

    PlatformImageOptions options(RunContext run) {
        RepositoryName name = Inputs.repository(repository, run.pipeline());
        BuildFiles files = BuildFiles.find(Inputs.text(context), Inputs.text(dockerfile), run.workingDirectory(),
                "context", "dockerfile");
        VersionTags versions = VersionTags.withPrefix(versionPrefix);
        TagPlan tags = NewVersionTags.plan(Inputs.list(extraTags, "extraTags"), Inputs.bool(tagLatest, true, "tagLatest"),
                versions, run.pipeline()::variable);
        tags.notes().forEach(run.pipeline()::info);
        CacheRef cache = cacheRef(name, versions, tags);
        List<Tag> rewritten = NewVersionTags.rewritten(tags, name,
                build.registryCache() ? Optional.of(cache) : Optional.empty());
        Optional<VersionRetention> retention = retention(versions, rewritten);
        RepositorySettings settings = newRepository.settings(name, mutability(run, rewritten),
                Inputs.bool(scanOnPush, true, "scanOnPush"), run.workingDirectory());
        BuildSettings buildSettings = new BuildSettings(files.context(), files.dockerfile(), build.buildArgs(),
                build.platform(), build.noCache(), Inputs.bool(pull, true, "pull"), build.builder(), build.registryCache(),
                cache);
        return new PlatformImageOptions(settings, buildSettings,
                Inputs.text(baseImage).map(BaseImage::given), versions,
                Inputs.choice(bump, Version.Part.class, Version.Part.MINOR, "bump"),
                Inputs.bool(forceUpdate, false, "forceUpdate"), tags,
                testApp(run), upstreamLogin(run),
                new Notifications(Inputs.bool(notifyOnFailure, false, "notifyOnFailure"), Inputs.bool(notifyFatal, false, "notifyFatal")),
                retention,
                new Dependents(Dependent.parseAll(dependents == null ? List.of() : dependents),
                        Inputs.bool(dependentsFatal, false, "dependentsFatal")),
                Inputs.bool(push, true, "push"));
    }

    /** Outside Azure Pipelines, dependents fail the run here, before anything is built. */
    private static DependentRuns dependentRuns(RunContext run, Dependents dependents) {
        if (!dependents.any()) {
            return DependentRuns.none(run.pipeline());
        }
        DevOpsConnection connection = DevOpsConnection.from(run.env(), "Queueing dependent pipelines", Dependent.INPUT);
        return new DependentRuns(run.pipeline(),
                Optional.of(new RestAzureDevOps(connection, Dependent.INPUT, run.pipeline()::info)));
    }

    /** keepVersions: the lifecycle policy that keeps the newest N versions and whatever the moving tags point at. */
    private Optional<VersionRetention> retention(VersionTags versions, List<Tag> moving) {
        OldVersions.Action action = Inputs.choice(retentionAction, OldVersions.Action.class, OldVersions.Action.EXPIRE,
                OldVersions.ACTION_INPUT);
        Optional<Integer> days = Inputs.text(archiveDays)
                .map(given -> number(given, 0, 1, Integer.MAX_VALUE, OldVersions.DAYS_INPUT));
        Optional<Integer> keep = Inputs.text(keepVersions)
                .map(given -> number(given, 0, 1, KEEP_VERSIONS_MAX, VersionRetention.INPUT));
        return VersionRetention.of(keep, action, days, newRepository.lifecyclePolicyGiven(), versions, moving);
    }

    /** tagMutability as given; by default, immutable but for the tags every new version takes over. */
    private TagMutability mutability(RunContext run, List<Tag> rewritten) {
        TagMutability.Mode mode = Inputs.choice(tagMutability, TagMutability.Mode.class,
                TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION, "tagMutability");
        if (mode != TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION || mutabilityExclusions.given()) {
            return mutabilityExclusions.mutability(tagMutability, mode, List.of());
        }
        return NewVersionTags.immutableExcept(rewritten, run.pipeline()::warning);
    }

    /** The registry cache's place: never a version tag (it would count as one), an extra tag or 'latest'. */
    private CacheRef cacheRef(RepositoryName name, VersionTags versions, TagPlan tags) {
        CacheRef cache = build.cacheRef(name);
        if (build.registryCache()) {
            NewVersionTags.refuseVersionLikeCache(cache, name, versions);
        }
        boolean latest = NewVersionTags.movesLatest(tags);
        build.checkRegistryCache(cache, name, tags.tags().stream().filter(tag -> !latest || !tag.value().equals("latest"))
                .toList(), "extraTags");
        build.checkRegistryCache(cache, name, latest ? List.of(Tag.of("latest")) : List.of(), "tagLatest");
        return cache;
    }

    /** The webhook URL is a secret, so it is only ever read from the environment (INPUT_TEAMSWEBHOOKURL). */
    private static Optional<TeamsChannel> teamsChannel(RunContext run, Notifications notify) {
        Optional<Secret> url = run.env().secretInput("teamsWebhookUrl");
        try {
            return url.map(TeamsWebhook::of);
        } catch (UserError e) {
            if (notify.fatal()) {
                throw e;
            }
            run.pipeline().warning(e.getMessage() + " No card is posted.");
            return Optional.empty();
        }
    }

    private Optional<TestApp> testApp(RunContext run) {
        Optional<String> file = Inputs.text(testDockerfile);
        Optional<String> folder = Inputs.text(testContext);
        if (file.isEmpty() && folder.isEmpty()) {
            for (String given : new String[] {testBaseArg, testPort, testPath, testStatus, testTimeout}) {
                if (Inputs.text(given).isPresent()) {
                    throw new UserError("Integration test settings are given but no test application: set testDockerfile "
                            + "(or testContext).", "testDockerfile");
                }
            }
            return Optional.empty();
        }
        Path wd = run.workingDirectory();
        Path contextDir = BuildFiles.existingContext(folder.orElseGet(() -> parentOf(file.get())), wd, "testContext");
        Path dockerfilePath = BuildFiles.existingDockerfile(file, contextDir, wd, "testDockerfile");
        String path = Inputs.text(testPath).orElse("/");
        return Optional.of(new TestApp(contextDir, dockerfilePath, Inputs.text(testBaseArg),
                number(testPort, 8080, 1, 65535, "testPort"), path.startsWith("/") ? path : "/" + path,
                number(testStatus, 200, 100, 599, "testStatus"),
                Inputs.duration(testTimeout, Duration.ofSeconds(60), "testTimeout")));
    }

    private static String parentOf(String file) {
        Path parent = Path.of(file).getParent();
        return parent == null ? "." : parent.toString();
    }

    private Optional<UpstreamLogin> upstreamLogin(RunContext run) {
        Optional<String> user = Inputs.text(upstreamUsername);
        Optional<Secret> password = run.env().secretInput("upstreamPassword");
        if (user.isEmpty()) {
            if (password.isPresent()) {
                throw new UserError("INPUT_UPSTREAMPASSWORD is set but upstreamUsername is not; give both or neither.",
                        "upstreamUsername");
            }
            return Optional.empty();
        }
        return Optional.of(new UpstreamLogin(user.get(), password.orElseThrow(() -> new UserError("upstreamUsername is "
                + "set but its password is missing: pass it in the INPUT_UPSTREAMPASSWORD environment variable (a "
                + "secret variable mapped into the step's env), never on a command line.", "upstreamUsername"))));
    }

    private static int number(String value, int fallback, int min, int max, String input) {
        Optional<String> given = Inputs.text(value);
        if (given.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(given.get());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // same message as out of range
        }
        throw new UserError("Input '" + input + "' is '" + given.get() + "'; use a whole number from " + min + " to " + max + ".", input);
    }
}
