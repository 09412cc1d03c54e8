package io.ecrflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.RepositorySettings.Encryption;
import io.ecrflow.aws.RepositorySettings.TagMutability;
import io.ecrflow.aws.SdkEcr;
import io.ecrflow.buildpush.BuildPush;
import io.ecrflow.buildpush.BuildPushOptions;
import io.ecrflow.docker.BuilderChoice;
import io.ecrflow.docker.DockerJavaEngine;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.tagging.KeyValues;
import io.ecrflow.tagging.OciLabels;
import io.ecrflow.tagging.TagPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code build-push}: build an image from a Dockerfile and push every tag to an ECR repository. */
@Command(name = "build-push", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build an image and push it to Amazon ECR under every tag, creating the repository if needed.")
public final class BuildPushCommand extends RunnerCommand {

    @Mixin
    AwsOptions aws;

    @Option(names = "--repository", paramLabel = "NAME", description = "ECR repository, e.g. team/web (lower case).")
    String repository;

    @Option(names = "--dockerfile", paramLabel = "PATH", description = "Dockerfile. Default: Dockerfile in the context.")
    String dockerfile;

    @Option(names = "--context", paramLabel = "DIR", description = "Build context folder. Default: the current folder.")
    String context;

    @Option(names = "--tags", paramLabel = "TEMPLATES",
            description = "Tag templates, comma- or newline-separated; $(Variable) and $(Variable:N) expand pipeline "
                    + "variables. Default: $(Build.BuildId), $(Build.SourceBranchName), $(Build.SourceVersion:8).")
    List<String> tags;

    @Option(names = "--build-args", paramLabel = "K=V", description = "Build arguments, comma- or newline-separated.")
    List<String> buildArgs;

    @Option(names = "--target", paramLabel = "STAGE", description = "Build only up to this stage of a multi-stage Dockerfile.")
    String target;

    @Option(names = "--labels", paramLabel = "K=V", description = "Extra image labels, comma- or newline-separated.")
    List<String> labels;

    @Option(names = "--oci-labels", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Add org.opencontainers.image.* labels from the pipeline (revision, source, created, version). Default: true.")
    String ociLabels;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Target platform, e.g. linux/amd64.")
    String platform;

    @Option(names = "--no-cache", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Build without the layer cache. Default: false.")
    String noCache;

    @Option(names = "--pull", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Always pull newer base images. Default: false.")
    String pull;

    @Option(names = "--builder", paramLabel = "auto|buildkit|engine",
            description = "buildkit: the docker CLI's BuildKit; engine: the Docker Engine's builder; auto: BuildKit when available. Default: auto.")
    String builder;

    @Option(names = "--create-repository", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Create the repository when it is missing. Default: true.")
    String createRepository;

    @Option(names = "--tag-mutability", paramLabel = "MUTABLE|IMMUTABLE", description = "For a new repository. Default: MUTABLE.")
    String tagMutability;

    @Option(names = "--scan-on-push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "For a new repository: scan images on push. Default: false.")
    String scanOnPush;

    @Option(names = "--encryption", paramLabel = "AES256|KMS", description = "For a new repository. Default: AES256.")
    String encryption;

    @Option(names = "--kms-key", paramLabel = "KEY", description = "KMS key ARN or id when encryption is KMS. Default: the AWS managed key.")
    String kmsKey;

    @Option(names = "--repository-tags", paramLabel = "K=V", description = "Resource tags for a new repository, comma- or newline-separated.")
    List<String> repositoryTags;

    @Option(names = "--lifecycle-policy", paramLabel = "FILE|JSON", description = "Lifecycle policy: a JSON file, or the JSON text itself.")
    String lifecyclePolicy;

    @Override
    protected void execute(RunContext run) {
        BuildPushOptions options = options(run);
        try (SdkEcr ecr = run.ecr(aws.target()); DockerJavaEngine engine = DockerJavaEngine.connect(run.env().asMap())) {
            new BuildPush(run.pipeline(), ecr, engine,
                    () -> new BuilderChoice(engine.connection(), run.env().asMap(), run.pipeline().tempDirectory())
                            .choose(options.builder(), run.pipeline()::info))
                    .run(options);
        }
    }

    BuildPushOptions options(RunContext run) {
        RepositoryName name = RepositoryName.fromInput(Inputs.required(repository, "repository"), "repository");
        if (!name.value().equals(repository.trim())) {
            run.pipeline().warning("Repository name '" + repository.trim() + "' was lowered to '" + name
                    + "': ECR repository names are lower case.");
        }
        Path contextDir = existingDirectory(Inputs.text(context).orElse("."), run.workingDirectory());
        Path dockerfilePath = existingDockerfile(contextDir, run.workingDirectory());
        TagPlan plan = TagPlan.from(Inputs.list(tags), run.pipeline()::variable);
        plan.notes().forEach(run.pipeline()::info);

        Map<String, String> imageLabels = new LinkedHashMap<>();
        if (Inputs.bool(ociLabels, true, "ociLabels")) {
            imageLabels.putAll(OciLabels.from(run.pipeline()::variable, Clock.systemUTC()));
        }
        imageLabels.putAll(KeyValues.parse(Inputs.list(labels), "labels"));

        Encryption encryptionType = Inputs.choice(encryption, Encryption.class, Encryption.AES256, "encryption");
        Optional<String> key = Inputs.text(kmsKey);
        if (key.isPresent() && encryptionType != Encryption.KMS) {
            throw new UserError("kmsKey is set but encryption is " + encryptionType + "; set encryption to KMS to use a KMS key.", "kmsKey");
        }
        RepositorySettings settings = new RepositorySettings(name,
                Inputs.choice(tagMutability, TagMutability.class, TagMutability.MUTABLE, "tagMutability"),
                Inputs.bool(scanOnPush, false, "scanOnPush"), encryptionType, key,
                KeyValues.parse(Inputs.list(repositoryTags), "repositoryTags"),
                Inputs.text(lifecyclePolicy).map(p -> lifecyclePolicyText(p, run.workingDirectory())));

        String builderMode = Inputs.text(builder).orElse("auto").toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "buildkit", "engine").contains(builderMode)) {
            throw new UserError("Input 'builder' is '" + builder + "'; allowed values are auto, buildkit and engine.", "builder");
        }
        return new BuildPushOptions(settings, Inputs.bool(createRepository, true, "createRepository"), contextDir,
                dockerfilePath, plan.tags(), KeyValues.parse(Inputs.list(buildArgs), "buildArgs"), Inputs.text(target),
                imageLabels, Inputs.text(platform), Inputs.bool(noCache, false, "noCache"), Inputs.bool(pull, false, "pull"),
                builderMode);
    }

    private static Path existingDirectory(String text, Path workingDirectory) {
        Path dir = workingDirectory.resolve(text).normalize();
        if (!Files.isDirectory(dir)) {
            throw new UserError("Build context '" + text + "' is not a folder (looked at " + dir + "). Set 'context' to "
                    + "the folder the Dockerfile's COPY paths are relative to.", "context");
        }
        return dir;
    }

    private Path existingDockerfile(Path contextDir, Path workingDirectory) {
        // Like `docker build -f`, a relative Dockerfile path is relative to the working folder; the default sits in the context.
        Path file = Inputs.text(dockerfile).map(f -> workingDirectory.resolve(f).normalize())
                .orElse(contextDir.resolve("Dockerfile"));
        if (!Files.isRegularFile(file)) {
            throw new UserError("Dockerfile not found: " + file + ". Set 'dockerfile' to its path, or put a file named "
                    + "Dockerfile in the context folder.", "dockerfile");
        }
        return file;
    }

    private static String lifecyclePolicyText(String value, Path workingDirectory) {
        String text = value;
        if (!value.startsWith("{")) {
            Path file = workingDirectory.resolve(value).normalize();
            if (!Files.isRegularFile(file)) {
                throw new UserError("Lifecycle policy file '" + value + "' not found. Give a JSON file path or the policy JSON itself.",
                        "lifecyclePolicy");
            }
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UserError("Could not read lifecycle policy file '" + value + "': " + e.getMessage(), "lifecyclePolicy", e);
            }
        }
        try {
            if (!new ObjectMapper().readTree(text).has("rules")) {
                throw new UserError("Lifecycle policy has no \"rules\" array; see the ECR lifecycle policy syntax.", "lifecyclePolicy");
            }
        } catch (IOException e) {
            throw new UserError("Lifecycle policy is not valid JSON: " + e.getMessage(), "lifecyclePolicy", e);
        }
        return text;
    }
}
