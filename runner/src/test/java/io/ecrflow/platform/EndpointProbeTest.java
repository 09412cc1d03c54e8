package io.ecrflow.platform;

import com.sun.net.httpserver.HttpServer;
import io.ecrflow.ManualClock;
import io.ecrflow.docker.ContainerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for the test application: until the expected status, the timeout, or the container's end. */
class EndpointProbeTest {
    private HttpServer app;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int readyAfter = 2;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/health", exchange -> {
            int status = calls.incrementAndGet() > readyAfter ? 200 : 503;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        app.start();
    }

    @AfterEach
    void stop() {
        app.stop(0);
    }

    private List<URI> addresses() {
        // an address nobody listens on first, as a bridge address may be from where the runner sits
        return List.of(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:" + app.getAddress().getPort()));
    }

    /** The probe as the platform image's test runs it, on a clock that moves only when the probe pauses. */
    private EndpointProbe probe() {
        return new EndpointProbe(clock.drive(EndpointProbe.ROUNDS));
    }

    @Test
    void keepsAskingUntilTheApplicationAnswersTheExpectedStatus() {
        EndpointProbe.Outcome outcome = probe()
                .await(addresses(), "/health", 200, Duration.ofSeconds(20), ContainerState::runningNow);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.observation()).endsWith("/health answered 200");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(clock.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @Test
    void givesUpAtTheTimeoutNamingTheLastAnswer() {
        readyAfter = Integer.MAX_VALUE;

        EndpointProbe.Outcome outcome = probe()
                .await(addresses(), "/health", 200, Duration.ofSeconds(1), ContainerState::runningNow);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.observation()).contains("no 200 answer within 1 s").contains("answered 503, not 200");
        assertThat(calls.get()).as("a round at the start, after half a second, and at the deadline").isEqualTo(3);
        assertThat(clock.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @Test
    void stopsAtOnceWhenTheContainerHasExited() {
        readyAfter = Integer.MAX_VALUE;

        EndpointProbe.Outcome outcome = probe()
                .await(addresses(), "/health", 200, Duration.ofSeconds(30), () -> ContainerState.exited(139));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.observation()).contains("container stopped (exit code 139)");
        assertThat(clock.pauses()).isEmpty();
    }
}
