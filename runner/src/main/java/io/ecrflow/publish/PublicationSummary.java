package io.ecrflow.publish;

import io.ecrflow.pipeline.MarkdownText;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.List;
import java.util.stream.Collectors;

/** The run summary of a publication: where the image went, its digest and every tag, as a Markdown table. */
final class PublicationSummary {
    private PublicationSummary() {
    }

    static String markdown(ImageRef image, List<ImageRef> published, Digest digest) {
        String tags = published.isEmpty() ? "none (nothing was published)"
                : published.stream().map(ref -> code(ref.tag().value())).collect(Collectors.joining(", "));
        return "### ecrflow: " + MarkdownText.escaped(image.repositoryUri()) + "\n\n"
                + "| | |\n|---|---|\n"
                + "| Image | " + code(image.toString()) + " |\n"
                + "| Digest | " + code(digest.toString()) + " |\n"
                + "| Tags | " + tags + " |\n";
    }

    /** References and tags hold no backticks (their grammar forbids them), so a code span shows them as they are. */
    private static String code(String text) {
        return "`" + text + "`";
    }
}
