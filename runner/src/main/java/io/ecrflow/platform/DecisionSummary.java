package io.ecrflow.platform;

import io.ecrflow.pipeline.MarkdownText;
import io.ecrflow.registry.Digest;

/**
 * The platform decision as the run summary shows it: whether a new version was published, why, and the base
 * image it was decided on. The reason and the base image's name come from outside (labels, the upstream
 * registry), so they are written as plain text.
 */
final class DecisionSummary {
    private DecisionSummary() {
    }

    static String markdown(boolean updated, String reason, String versionTag, String baseImage, Digest baseDigest) {
        return table(updated ? "new version `" + versionTag + "`" : "no new version (`" + versionTag + "` stays)",
                reason, baseImage, baseDigest);
    }

    /** {@code push} false: the version was built and tested, and nothing was published. */
    static String notPublished(String reason, String versionTag, String baseImage, Digest baseDigest) {
        return table("`" + versionTag + "` built and tested, nothing published (push is false)", reason, baseImage,
                baseDigest);
    }

    private static String table(String decision, String reason, String baseImage, Digest baseDigest) {
        return "| Platform decision | |\n|---|---|\n"
                + "| Decision | " + decision + " |\n"
                + "| Why | " + MarkdownText.escaped(reason) + " |\n"
                + "| Base image | " + MarkdownText.escaped(baseImage) + " |\n"
                + "| Base digest | `" + baseDigest + "` |\n";
    }
}
