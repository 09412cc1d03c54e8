package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.LifecyclePolicy;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.RepositorySettings.Encryption;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.tagging.KeyValues;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a command creates a missing repository: which tags may move, scanning, encryption, resource tags, and its
 * lifecycle policy. Commands differ in the mutability and scanning they default to (build-push and promote as
 * {@code aws ecr create-repository} makes one; platform-image with fixed version tags, scanned), so each makes this
 * with its own defaults.
 */
public final class NewRepositoryOptions {
    static final String MODES = "MUTABLE|IMMUTABLE|IMMUTABLE_WITH_EXCLUSION|MUTABLE_WITH_EXCLUSION";

    @Option(names = "--tag-mutability", paramLabel = MODES,
            description = "For a new repository: which tags may move (*_WITH_EXCLUSION: all but, or none but, the "
                    + "mutabilityExclusions). Default: ${DEFAULT-VALUE}.")
    String tagMutability;

    @Option(names = "--mutability-exclusions", paramLabel = "FILTERS",
            description = "With a *_WITH_EXCLUSION mutability: the tags that are the exception, as wildcard filters (latest, "
                    + "6.*), comma- or newline-separated, at most 5.")
    List<String> mutabilityExclusions;

    @Option(names = "--scan-on-push", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "For a new repository: ECR scans each pushed image for vulnerabilities. Default: ${DEFAULT-VALUE}.")
    String scanOnPush;

    @Option(names = "--encryption", paramLabel = "AES256|KMS", defaultValue = "AES256",
            description = "For a new repository: how ECR encrypts images at rest. Default: ${DEFAULT-VALUE}.")
    String encryption;

    @Option(names = "--kms-key", paramLabel = "KEY",
            description = "ARN, id or alias of the KMS key for a new repository. Default: the AWS managed key for ECR.")
    String kmsKey;

    @Option(names = "--repository-tags", paramLabel = "K=V",
            description = "key=value AWS resource tags for a new repository, one per line.")
    List<String> repositoryTags;

    @Option(names = "--lifecycle-policy", paramLabel = "FILE|JSON",
            description = "A lifecycle policy JSON file (relative to the working folder), or the JSON itself. Applied on every "
                    + "run, so the file stays the source of truth.")
    String lifecyclePolicy;

    NewRepositoryOptions(TagMutability.Mode mutability, boolean scansOnPush) {
        tagMutability = mutability.name();
        scanOnPush = String.valueOf(scansOnPush);
    }

    TagMutability.Mode mutabilityMode() {
        return Inputs.choice(tagMutability, TagMutability.Mode.class, "tagMutability");
    }

    /** Whether exceptions to the mutability were given, rather than left to the command. */
    boolean exclusionsGiven() {
        return !Inputs.list(mutabilityExclusions).isEmpty();
    }

    /** The mutability as given: the mode, with the exceptions a *_WITH_EXCLUSION mode needs. */
    TagMutability mutability() {
        return TagMutability.of(mutabilityMode(), Inputs.list(mutabilityExclusions), "tagMutability", "mutabilityExclusions");
    }

    boolean lifecyclePolicyGiven() {
        return Inputs.text(lifecyclePolicy).isPresent();
    }

    RepositorySettings settings(RepositoryName name, Path workingDirectory) {
        return settings(name, mutability(), workingDirectory);
    }

    /** The settings with a mutability the command decided (platform-image's exceptions are its moving tags). */
    RepositorySettings settings(RepositoryName name, TagMutability mutability, Path workingDirectory) {
        Encryption encryptionType = Inputs.choice(encryption, Encryption.class, "encryption");
        Optional<String> key = Inputs.text(kmsKey);
        if (key.isPresent() && encryptionType != Encryption.KMS) {
            throw new UserError("kmsKey is set but encryption is " + encryptionType + "; set encryption to KMS to use a KMS key.", "kmsKey");
        }
        return new RepositorySettings(name, mutability, Inputs.bool(scanOnPush, "scanOnPush"), encryptionType, key,
                KeyValues.parse(Inputs.list(repositoryTags), "repositoryTags"),
                Inputs.text(lifecyclePolicy).map(p -> lifecyclePolicyText(p, workingDirectory)));
    }

    private static String lifecyclePolicyText(String value, Path workingDirectory) {
        if (value.startsWith("{")) {
            return LifecyclePolicy.parse(value, "the lifecyclePolicy input").text();
        }
        Path file = workingDirectory.resolve(value).normalize();
        if (!Files.isRegularFile(file)) {
            throw new UserError("Lifecycle policy file '" + value + "' not found. Give a JSON file path or the policy JSON itself.",
                    "lifecyclePolicy");
        }
        try {
            return LifecyclePolicy.parse(Files.readString(file), "file '" + value + "'").text();
        } catch (IOException e) {
            throw new UserError("Could not read lifecycle policy file '" + value + "': " + e.getMessage(), "lifecyclePolicy", e);
        }
    }
}
