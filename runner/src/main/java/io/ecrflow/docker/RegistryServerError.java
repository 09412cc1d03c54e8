package io.ecrflow.docker;

import io.ecrflow.UserError;

/**
 * The registry answered the engine's push with a server error (5xx), a failure that may pass. The engine retries a
 * layer upload on its own but not the image config or the manifest, so only a push it did not retry is worth
 * pushing again.
 */
public final class RegistryServerError extends UserError {
    /** What a push that a registry failed leaves, and what to do: the same for the engine's push and ecrflow's upload. */
    public static final String ADVICE = "No tag was written; layers already uploaded stay in the registry and are "
            + "not sent again. The registry is having trouble: run again later, and if it keeps failing, check its "
            + "health (for ECR, the AWS Health Dashboard).";

    private final String happened;
    private final boolean retriedByEngine;

    RegistryServerError(String happened, boolean retriedByEngine) {
        super(happened + ". " + ADVICE);
        this.happened = happened;
        this.retriedByEngine = retriedByEngine;
    }

    /** What failed, without the advice: for a warning before the next push. */
    public String happened() {
        return happened;
    }

    /** Whether another push may get through: the engine has not already retried what failed. */
    public boolean worthPushingAgain() {
        return !retriedByEngine;
    }

    /** The same failure after {@code pushes} pushes that all met it. */
    public UserError afterPushes(int pushes) {
        return new UserError(happened + ", on each of " + pushes + " pushes. " + ADVICE);
    }
}
