package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.PublicCatalog;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.RepositorySettings.Encryption;
import io.ecrflow.aws.TagMutability;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The ECR Public Gallery text of a public repository, and the check that only public pushes use it. */
public final class PublicCatalogOptions {

    @Option(names = "--catalog-description", paramLabel = "TEXT",
            description = "Short description shown in the ECR Public Gallery (up to 1024 characters).")
    String description;

    @Option(names = "--catalog-about", paramLabel = "FILE|TEXT",
            description = "Markdown for the gallery's 'About' section: a file path or the text itself.")
    String about;

    @Option(names = "--catalog-usage", paramLabel = "FILE|TEXT",
            description = "Markdown for the gallery's 'Usage' section: a file path or the text itself.")
    String usage;

    @Option(names = "--catalog-operating-systems", paramLabel = "OS",
            description = "Operating systems shown in the gallery, comma-separated: Linux, Windows.")
    List<String> operatingSystems;

    @Option(names = "--catalog-architectures", paramLabel = "ARCH",
            description = "Architectures shown in the gallery, comma-separated: ARM, ARM 64, x86, x86-64.")
    List<String> architectures;

    /**
     * The settings with the catalog for an ECR Public push; for a private one, the settings unchanged.
     * Settings ECR Public does not have, or a catalog for a private registry, are refused before any work.
     */
    RepositorySettings applyTo(RepositorySettings settings, boolean publicRegistry, Path workingDirectory) {
        PublicCatalog catalog = new PublicCatalog(Inputs.text(description), Inputs.text(about).map(t -> text(t, workingDirectory)),
                Inputs.text(usage).map(t -> text(t, workingDirectory)), Inputs.list(operatingSystems),
                Inputs.list(architectures));
        if (!publicRegistry) {
            if (!catalog.isEmpty()) {
                throw new UserError("The catalog inputs describe ECR Public repositories; set 'public' to true to push to "
                        + "ECR Public, or remove them.", "public");
            }
            return settings;
        }
        refuse(!settings.mutability().equals(TagMutability.MUTABLE), "tagMutability", "immutable tags");
        refuse(settings.scanOnPush(), "scanOnPush", "scanning on push");
        refuse(settings.encryption() != Encryption.AES256 || settings.kmsKey().isPresent(), "encryption", "KMS encryption");
        refuse(settings.lifecyclePolicy().isPresent(), "lifecyclePolicy", "lifecycle policies");
        return settings.withCatalog(catalog.isEmpty() ? Optional.empty() : Optional.of(catalog));
    }

    private static void refuse(boolean given, String input, String feature) {
        if (given) {
            throw new UserError("ECR Public repositories have no " + feature + "; remove '" + input + "' or push to a "
                    + "private registry.", input);
        }
    }

    /** Like the lifecycle policy: a path to an existing file means its content, anything else is the text. */
    private static String text(String value, Path workingDirectory) {
        Path file;
        try {
            file = workingDirectory.resolve(value).normalize();
        } catch (java.nio.file.InvalidPathException notAPath) {
            return value;
        }
        if (!value.contains("\n") && Files.isRegularFile(file)) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UserError("Could not read '" + value + "': " + e.getMessage(), null, e);
            }
        }
        return value;
    }
}
