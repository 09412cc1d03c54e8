package io.ecrflow.publish;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.pipeline.MarkdownText;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.ImageSize;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The run summary of a publication, as a Markdown table: where the image went, its digest, every tag, its size
 * in the registry, and whether the repository was created or found, with its settings.
 */
final class PublicationSummary {
    private PublicationSummary() {
    }

    /** @param size empty when no image was at hand to measure (nothing was published) */
    static String markdown(ImageRef image, List<ImageRef> published, Digest digest, Optional<ImageSize> size,
                           EnsuredRepository repository) {
        String tags = published.isEmpty() ? "none (nothing was published)"
                : published.stream().map(ref -> code(ref.tag().value())).collect(Collectors.joining(", "));
        return "### ecrflow: " + MarkdownText.escaped(image.repositoryUri()) + "\n\n"
                + "| | |\n|---|---|\n"
                + "| Image | " + code(image.toString()) + " |\n"
                + "| Digest | " + code(digest.toString()) + " |\n"
                + "| Tags | " + tags + " |\n"
                + size.map(s -> "| Size | " + s.readable() + " (" + s.bytes() + " bytes, compressed, as the registry stores it) |\n")
                .orElse("")
                // exclusion filters hold '*', which Markdown would read as emphasis
                + "| Repository | " + (repository.created() ? "created" : "found") + ": "
                + MarkdownText.escaped(repository.info().describeSettings()) + " |\n";
    }

    /** References and tags hold no backticks (their grammar forbids them), so a code span shows them as they are. */
    private static String code(String text) {
        return "`" + text + "`";
    }
}
