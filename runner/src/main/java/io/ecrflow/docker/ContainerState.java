package io.ecrflow.docker;

import java.util.OptionalLong;

/** Whether a container runs; once it stopped, how it ended. */
public record ContainerState(boolean running, OptionalLong exitCode) {

    public static ContainerState runningNow() {
        return new ContainerState(true, OptionalLong.empty());
    }

    public static ContainerState exited(long code) {
        return new ContainerState(false, OptionalLong.of(code));
    }
}
