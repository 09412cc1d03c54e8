package io.ecrflow.platform;

import io.ecrflow.Waiting;
import io.ecrflow.docker.ContainerState;
import io.ecrflow.http.HttpCall;

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
    /** Half a second between rounds, until the deadline. */
    static final Waiting ROUNDS = Waiting.every(Duration.ofMillis(500));

    /** How the wait ended, in words for the log. */
    record Outcome(boolean passed, String observation) {
    }

    private final Waiting rounds;

    EndpointProbe(Clock clock) {
        this(ROUNDS.on(clock, Waiting.THREAD_SLEEP));
    }

    EndpointProbe(Waiting rounds) {
        this.rounds = rounds;
    }

    Outcome await(List<URI> bases, String path, int expectedStatus, Duration timeout, Supplier<ContainerState> container) {
        Instant deadline = rounds.deadline(timeout);
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
            if (rounds.passed(deadline)) {
                return new Outcome(false, "no " + expectedStatus + " answer within " + timeout.toSeconds() + " s; last: " + seen);
            }
            if (!rounds.pauseUnlessInterrupted(rounds.firstPause())) {
                return new Outcome(false, "interrupted while waiting for the application");
            }
        }
    }
}
