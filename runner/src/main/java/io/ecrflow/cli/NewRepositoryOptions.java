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

/** How a command creates a missing repository (encryption, resource tags) and its lifecycle policy. */
public final class NewRepositoryOptions {

    @Option(names = "--encryption", paramLabel = "AES256|KMS", description = "For a new repository. Default: AES256.")
    String encryption;

    @Option(names = "--kms-key", paramLabel = "KEY", description = "KMS key ARN or id when encryption is KMS. Default: the AWS managed key.")
    String kmsKey;

    @Option(names = "--repository-tags", paramLabel = "K=V", description = "Resource tags for a new repository, comma- or newline-separated.")
    List<String> repositoryTags;

    @Option(names = "--lifecycle-policy", paramLabel = "FILE|JSON", description = "Lifecycle policy: a JSON file, or the JSON text itself.")
    String lifecyclePolicy;

    boolean lifecyclePolicyGiven() {
        return Inputs.text(lifecyclePolicy).isPresent();
    }

    RepositorySettings settings(RepositoryName name, TagMutability mutability, boolean scanOnPush, Path workingDirectory) {
        Encryption encryptionType = Inputs.choice(encryption, Encryption.class, Encryption.AES256, "encryption");
        Optional<String> key = Inputs.text(kmsKey);
        if (key.isPresent() && encryptionType != Encryption.KMS) {
            throw new UserError("kmsKey is set but encryption is " + encryptionType + "; set encryption to KMS to use a KMS key.", "kmsKey");
        }
        return new RepositorySettings(name, mutability, scanOnPush, encryptionType, key,
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
