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
        return "| Platform decision | |\n|---|---|\n"
                + "| Decision | " + (updated ? "new version `" + versionTag + "`" : "no new version (`" + versionTag + "` stays)")
                + " |\n"
                + "| Why | " + MarkdownText.escaped(reason) + " |\n"
                + "| Base image | " + MarkdownText.escaped(baseImage) + " |\n"
                + "| Base digest | `" + baseDigest + "` |\n";
    }
}
