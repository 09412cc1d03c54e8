package io.ecrflow.platform;

import io.ecrflow.http.HttpCall;

import io.ecrflow.docker.ContainerState;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Asks a starting application for one page until it answers with the expected status, the time is up,
 * or its container stops — whichever comes first.
 */
final class EndpointProbe {
    private static final Duration PAUSE = Duration.ofMillis(500);

    /** How the wait ended, in words for the log. */
    record Outcome(boolean passed, String observation) {
    }

    private final Clock clock;

    EndpointProbe(Clock clock) {
        this.clock = clock;
    }

    Outcome await(List<URI> bases, String path, int expectedStatus, Duration timeout, Supplier<ContainerState> container) {
        Instant deadline = clock.instant().plus(timeout);
        String lastAnswer = null;
        // Named even when no request went out (a container that stopped at once, or has no address yet).
        String lastError = bases.isEmpty() ? "the container had no network address to send GET " + path + " to"
                : "no answer yet from GET " + bases.get(0).resolve(path);
        while (true) {
            for (URI base : bases) {
                URI uri = base.resolve(path);
                try {
                    int status = HttpCall.get(uri).connectTimeout(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(5)).send().status();
                    if (status == expectedStatus) {
                        return new Outcome(true, "GET " + uri + " answered " + status);
                    }
                    lastAnswer = "GET " + uri + " answered " + status + ", not " + expectedStatus;
                } catch (IOException e) {
                    lastError = "GET " + uri + " got no answer (" + (e.getMessage() == null
                            ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                }
            }
            String seen = lastAnswer != null ? lastAnswer : lastError;
            ContainerState state = container.get();
            if (!state.running()) {
                return new Outcome(false, "the container stopped (exit code " + state.exitCode().orElse(-1)
                        + ") before answering; last: " + seen);
            }
            if (!clock.instant().isBefore(deadline)) {
                return new Outcome(false, "no " + expectedStatus + " answer within " + timeout.toSeconds() + " s; last: " + seen);
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, "interrupted while waiting for the application");
            }
        }
    }
}
