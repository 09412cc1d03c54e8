package io.ecrflow.docker;

import io.ecrflow.UserError;

import java.time.Duration;
import java.util.Optional;

/**
 * How long one image build may run. A build that hangs (a step waiting for input, a platform the engine
 * cannot run) would otherwise hold the agent until the job's own limit, with the docker CLI still running.
 */
public record BuildTimeout(Optional<Duration> limit) {
    public static final BuildTimeout NONE = new BuildTimeout(Optional.empty());

    public static BuildTimeout of(Duration limit) {
        return new BuildTimeout(Optional.of(limit));
    }

    /** What the user reads when a build ran out of time; the builder has stopped it by then. */
    UserError exceeded() {
        String limitText = limit.map(BuildTimeout::words).orElse("its limit");
        return new UserError("The image build was still running after " + limitText + " and was stopped (input "
                + "'buildTimeout'). Look at the last build step above: a step that waits for input or for the network "
                + "hangs this way. Fix it, or give the build more time with buildTimeout (e.g. 90m).", "buildTimeout");
    }

    private static String words(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
