package io.ecrflow.aws;

import java.util.List;
import java.util.Optional;

/**
 * What the ECR Public Gallery shows for a repository: a short description, "about" and "usage" text in
 * markdown, and the operating systems and architectures it offers (the gallery's badges are
 * {@code Linux}, {@code Windows}, {@code ARM}, {@code ARM 64}, {@code x86}, {@code x86-64}).
 */
public record PublicCatalog(Optional<String> description, Optional<String> aboutText, Optional<String> usageText,
                            List<String> operatingSystems, List<String> architectures) {

    public PublicCatalog {
        operatingSystems = List.copyOf(operatingSystems);
        architectures = List.copyOf(architectures);
    }

    public boolean isEmpty() {
        return description.isEmpty() && aboutText.isEmpty() && usageText.isEmpty() && operatingSystems.isEmpty()
                && architectures.isEmpty();
    }

    /** The parts that are set, for the log: e.g. "description, about, architectures". */
    String summary() {
        StringBuilder parts = new StringBuilder();
        description.ifPresent(d -> parts.append("description, "));
        aboutText.ifPresent(a -> parts.append("about, "));
        usageText.ifPresent(u -> parts.append("usage, "));
        if (!operatingSystems.isEmpty()) {
            parts.append("operating systems ").append(String.join("/", operatingSystems)).append(", ");
        }
        if (!architectures.isEmpty()) {
            parts.append("architectures ").append(String.join("/", architectures)).append(", ");
        }
        return parts.length() == 0 ? "none" : parts.substring(0, parts.length() - 2);
    }
}
