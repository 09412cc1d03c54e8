package io.ecrflow.registry;

import io.ecrflow.UserError;

/** The registry answered a manifest PUT with a refusal: an immutable tag, a missing repository, no right to push. */
public final class ManifestRefused extends UserError {
    private final int status;
    private final boolean immutableTag;

    public ManifestRefused(ImageRef tagged, int status, String errorText, int attempts) {
        super("The registry " + tagged.registry() + " refused to tag " + tagged + " (" + status + errorText + ")"
                + (attempts > 1 ? " after " + attempts + " attempts" : "") + advice(status, errorText));
        this.status = status;
        this.immutableTag = refusesImmutableTag(errorText);
    }

    public int status() {
        return status;
    }

    /**
     * Whether the tag exists and the repository keeps it immutable (ECR's TAG_INVALID; ImageTagAlreadyExists from
     * PutImage). ECR refuses so even when the tag holds this very manifest: what it holds tells whether it matters.
     */
    public boolean immutableTag() {
        return immutableTag;
    }

    private static boolean refusesImmutableTag(String errorText) {
        return errorText.contains("TAG_INVALID") || errorText.contains("ImageTagAlreadyExists");
    }

    private static String advice(int status, String errorText) {
        if (refusesImmutableTag(errorText)) {
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
