package io.ecrflow.registry;

import io.ecrflow.UserError;

/** The registry answered a manifest PUT with a refusal: an immutable tag, a missing repository, no right to push. */
public final class ManifestRefused extends UserError {
    private final int status;

    ManifestRefused(ImageRef tagged, int status, String errorText, int attempts) {
        super("The registry " + tagged.registry() + " refused to tag " + tagged + " (" + status + errorText + ")"
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + advice(status, errorText));
        this.status = status;
    }

    public int status() {
        return status;
    }

    private static String advice(int status, String errorText) {
        if (errorText.contains("TAG_INVALID") || errorText.contains("ImageTagAlreadyExists")) {
            return ". The repository's tags are immutable and this tag already holds another image.";
        }
        if (status == 401 || status == 403) {
            return ". Check that the credentials may push to this repository (ecr:PutImage).";
        }
        if (status >= 500) {
            return ". The registry failed; run the step again to finish the tags that are missing.";
        }
        return ".";
    }
}
