package io.ecrflow.docker;

import java.util.List;

/** Running throw-away containers in the Docker Engine, as an integration test needs them. */
public interface Containers {

    /**
     * Creates and starts a container of {@code image} whose {@code port} is reachable from this machine:
     * at the container's own address on the engine's bridge network and, published, on 127.0.0.1.
     */
    RunningContainer start(String image, int port);

    /** Whether the container still runs, and its exit code once it stopped. */
    ContainerState state(String id);

    /** The last {@code maxLines} lines the container printed (stdout and stderr, in order). */
    List<String> logs(String id, int maxLines);

    /** Stops and removes the container with its anonymous volumes; a missing one is ignored. */
    void remove(String id);
}
