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

    @Option(names = "--repository", paramLabel = "NAME",
            description = "ECR repository of the platform image, e.g. runtime or platform/runtime. Created when it is missing, "
                    + "with fixed version tags and latest and the extra tags moving to every new version (tagMutability). "
                    + "Required unless imagesFile lists the images.")
    String repository;

    @Option(names = "--version-prefix", paramLabel = "PREFIX",
            description = "Version tags are <prefix>-MAJOR.MINOR.PATCH: 6.0-bullseye-slim gives 6.0-bullseye-slim-1.4.0. "
                    + "Default: none (plain 1.4.0).")
    String versionPrefix;

    @Option(names = "--bump", paramLabel = "major|minor|patch", defaultValue = "minor",
            description = "Which number a new version increases. Default: ${DEFAULT-VALUE}.")
    String bump;

    @Option(names = "--force-update", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Publish a new version without comparing the base image, e.g. after a change to the platform "
                    + "Dockerfile. Map a force_update runtime parameter here. Default: ${DEFAULT-VALUE}.")
    String forceUpdate;

    @Option(names = "--extra-tags", paramLabel = "TAGS",
            description = "Tags that move to every new version, one per line or comma-separated, e.g. 6.0 and "
                    + "$(Build.BuildNumber). A tag that looks like a version tag is refused: version tags never move.")
    List<String> extraTags;

    @Option(names = "--tag-latest", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "Also move latest to every new version. It is pushed last, so it never names a version that is not "
                    + "fully tagged. Default: ${DEFAULT-VALUE}.")
    String tagLatest;

    @Option(names = "--base-image", paramLabel = "IMAGE",
            description = "The upstream image, e.g. mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim. Default: the base of "
                    + "the Dockerfile's last stage.")
    String baseImage;

    @Option(names = "--upstream-username", paramLabel = "USER",
            description = "User name for a private base-image registry; the password comes only from the upstreamPassword "
                    + "secret input (INPUT_UPSTREAMPASSWORD). Default: anonymous, as MCR and Docker Hub allow.")
    String upstreamUsername;

    @Option(names = "--insecure-registries", paramLabel = "HOSTS",
            description = "Registry hosts (host:port) read over plain HTTP instead of HTTPS, comma-separated. Every other "
                    + "registry, on this machine or not, is read over HTTPS.")
    List<String> insecureRegistries;

    @Mixin
    BuildOptions build = new BuildOptions(true);

    @Option(names = "--push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "true",
            description = "Publish the new version. Off: build the next version and run its integration test, whether "
                    + "or not the base image changed, and publish nothing, for a pull request's validation: no repository "
                    + "created, no tag pushed, no version retired, no registry cache, no Teams card for a publication. "
                    + "Default: ${DEFAULT-VALUE}.")
    String push;

    @Option(names = "--test-dockerfile", paramLabel = "PATH",
            description = "Dockerfile of the test application, e.g. shared/integration-tests/net6/Dockerfile. Its FROM naming "
                    + "the platform image (or its base) is replaced with the new version, which must answer over HTTP "
                    + "before anything is pushed. Empty (and no test context): no test, and a warning that the image is "
                    + "published untested.")
    String testDockerfile;

    @Option(names = "--test-context", paramLabel = "DIR",
            description = "Build context of the test application. Default: the test Dockerfile's folder. Given alone, the test "
                    + "Dockerfile is Dockerfile in it.")
    String testContext;

    @Option(names = "--test-base-arg", paramLabel = "NAME",
            description = "Build argument that receives the new image (declare ARG NAME before the first FROM and write FROM "
                    + "$${NAME}), instead of the FROM being replaced.")
    String testBaseArg;

    @Option(names = "--test-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port the test application listens on. Default: ${DEFAULT-VALUE}.")
    String testPort;

    @Option(names = "--test-path", paramLabel = "PATH", defaultValue = "/",
            description = "Path asked for with GET. Default: ${DEFAULT-VALUE}.")
    String testPath;

    @Option(names = "--test-status", paramLabel = "CODE", defaultValue = "200",
            description = "HTTP status that means the application works. Default: ${DEFAULT-VALUE}.")
    String testStatus;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for that answer: seconds (90), or a number with s, m or h (90s, 2m). Default: "
                    + "${DEFAULT-VALUE}.")
    String testTimeout;

    @Option(names = "--notify-on-failure", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Also post a card when the run fails, with the error and a link to the run. Default: "
                    + "${DEFAULT-VALUE}.")
    String notifyOnFailure;

    @Option(names = "--notify-fatal", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Fail the step when the card cannot be posted. Otherwise it is a warning, and the image is published "
                    + "either way. Default: ${DEFAULT-VALUE}.")
    String notifyFatal;

    @Option(names = "--dependents", paramLabel = "PIPELINES",
            description = "Pipelines of this project that build on the platform image, queued once a new version is published "
                    + "(never on a run without one). One per line: <pipeline id or name>[@<branch>] [name=value ...], e.g. "
                    + "42@main baseTag=6.0 or Apps/web-shop (a folder before the name). Without a branch the pipeline's "
                    + "default branch is built; name=value are its template parameters, quoted as in a shell (note='new "
                    + "base'). Queued with the job's access token: the project's build service needs the **Queue builds** "
                    + "permission on each pipeline. Each run's link is printed and listed in the queuedRuns output.")
    List<String> dependents;

    @Option(names = "--dependents-fatal", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Fail the step when a dependent pipeline cannot be queued (the others are still queued). Otherwise it "
                    + "is a warning, and the image is published either way. Default: ${DEFAULT-VALUE}.")
    String dependentsFatal;

    /** Version tags never move, and every version is scanned. */
    @Mixin
    NewRepositoryOptions newRepository = new NewRepositoryOptions(TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION, true);

    @Option(names = "--keep-versions", paramLabel = "N",
            description = "Keep the newest N version tags (<prefix>-X.Y.Z, 1 to " + KEEP_VERSIONS_MAX + ") with a lifecycle "
                    + "policy ecrflow generates, shown in the log before it is applied and put only when the repository's differs. Images "
                    + "that latest, the extra tags or the registry cache point at are never expired; other tags and "
                    + "untagged images are left alone. Not together with lifecyclePolicy.")
    String keepVersions;

    @Option(names = "--retention-action", paramLabel = "expire|archive", defaultValue = "expire",
            description = "With keepVersions: what happens to the versions past the newest N. archive moves them to ECR's "
                    + "archive storage class, where they cost less, keep their tags and cannot be pulled until restored. "
                    + "Default: ${DEFAULT-VALUE}.")
    String retentionAction;

    @Option(names = "--archive-days", paramLabel = "N",
            description = "With retentionAction: archive: expire archived versions N days after they were archived (90 or more, "
                    + "ECR's minimum). Empty: they stay archived.")
    String archiveDays;

    @Mixin
    ScanGateOptions scanGate;

    @Mixin
    BuildTagsOptions buildTagsOptions;

    @Option(names = "--images-file", paramLabel = "FILE",
            description = "A YAML file listing many platform images, checked in one run: defaults: (settings every image "
                    + "shares) and images:, each with an id (it names the image's outputs, e.g. net6_runtime_updated) and "
                    + "this task's inputs as keys (repository, dockerfile, context, versionPrefix, extraTags, "
                    + "testDockerfile, ...). An image's own setting wins over defaults, which win over this step's inputs. "
                    + "Images whose base did not change are not built; the others are built, tested and published one at a "
                    + "time, each with its own outputs and Teams card. See docs/platform-image.md.")
    String imagesFile;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "With imagesFile: how many images are checked against their upstream registries at once. Builds and "
                    + "pushes run one image at a time. Default: ${DEFAULT-VALUE}.")
    String parallel;

    @Option(names = "--image-ids", paramLabel = "IDS",
            description = "With imagesFile: the ids of the images this step runs, comma-separated, e.g. net7_runtime,net7_sdk — "
                    + "one slice of a large file, one job of a matrix (docs/templates/platform-images-matrix.yml). Default: "
                    + "every image of the file.")
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
        int checksAtOnce = Inputs.number(parallel, 1, 64, "parallel");
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
            OptionDefaults.applyToBlanks(command.spec);
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
        BuildFiles files = build.files(run.workingDirectory(), build.dockerfile());
        VersionTags versions = VersionTags.withPrefix(versionPrefix);
        TagPlan tags = NewVersionTags.plan(Inputs.list(extraTags, "extraTags"), Inputs.bool(tagLatest, "tagLatest"),
                versions, run.pipeline()::variable);
        tags.notes().forEach(run.pipeline()::info);
        CacheRef cache = cacheRef(name, versions, tags);
        List<Tag> rewritten = NewVersionTags.rewritten(tags, name,
                build.registryCache() ? Optional.of(cache) : Optional.empty());
        Optional<VersionRetention> retention = retention(versions, rewritten);
        RepositorySettings settings = newRepository.settings(name, mutability(run, rewritten), run.workingDirectory());
        BuildSettings buildSettings = new BuildSettings(files.context(), files.dockerfile(), build.buildArgs(),
                build.platform(), build.noCache(), build.pull(), build.builder(), build.registryCache(), cache);
        return new PlatformImageOptions(settings, buildSettings,
                Inputs.text(baseImage).map(BaseImage::given), versions,
                Inputs.choice(bump, Version.Part.class, "bump"),
                Inputs.bool(forceUpdate, "forceUpdate"), tags,
                testApp(run), upstreamLogin(run),
                new Notifications(Inputs.bool(notifyOnFailure, "notifyOnFailure"), Inputs.bool(notifyFatal, "notifyFatal")),
                retention,
                new Dependents(Dependent.parseAll(dependents == null ? List.of() : dependents),
                        Inputs.bool(dependentsFatal, "dependentsFatal")),
                Inputs.bool(push, "push"));
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
        OldVersions.Action action = Inputs.choice(retentionAction, OldVersions.Action.class, OldVersions.ACTION_INPUT);
        Optional<Integer> days = Inputs.text(archiveDays)
                .map(given -> Inputs.number(given, 1, Integer.MAX_VALUE, OldVersions.DAYS_INPUT));
        Optional<Integer> keep = Inputs.text(keepVersions)
                .map(given -> Inputs.number(given, 1, KEEP_VERSIONS_MAX, VersionRetention.INPUT));
        return VersionRetention.of(keep, action, days, newRepository.lifecyclePolicyGiven(), versions, moving);
    }

    /** tagMutability as given; by default, immutable but for the tags every new version takes over. */
    private TagMutability mutability(RunContext run, List<Tag> rewritten) {
        if (newRepository.mutabilityMode() != TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION || newRepository.exclusionsGiven()) {
            return newRepository.mutability();
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
            if (!OptionDefaults.given(spec, "--test-base-arg", "--test-port", "--test-path", "--test-status",
                    "--test-timeout").isEmpty()) {
                throw new UserError("Integration test settings are given but no test application: set testDockerfile "
                        + "(or testContext).", "testDockerfile");
            }
            return Optional.empty();
        }
        Path wd = run.workingDirectory();
        Path contextDir = BuildFiles.existingContext(folder.orElseGet(() -> parentOf(file.get())), wd, "testContext");
        Path dockerfilePath = BuildFiles.existingDockerfile(file, contextDir, wd, "testDockerfile");
        String path = Inputs.text(testPath).orElseThrow();
        return Optional.of(new TestApp(contextDir, dockerfilePath, Inputs.text(testBaseArg),
                Inputs.number(testPort, 1, 65535, "testPort"), path.startsWith("/") ? path : "/" + path,
                Inputs.number(testStatus, 100, 599, "testStatus"), Inputs.duration(testTimeout, "testTimeout")));
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
}
