package io.ecrflow.platform;

import com.sun.net.httpserver.HttpServer;
import io.ecrflow.docker.ContainerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for the test application: until the expected status, the timeout, or the container's end. */
class EndpointProbeTest {
    private HttpServer app;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int readyAfter = 2;

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

    @Test
    void keepsAskingUntilTheApplicationAnswersTheExpectedStatus() {
        EndpointProbe.Outcome outcome = new EndpointProbe(Clock.systemUTC())
                .await(addresses(), "/health", 200, Duration.ofSeconds(20), ContainerState::runningNow);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.observation()).endsWith("/health answered 200");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void givesUpAtTheTimeoutNamingTheLastAnswer() {
        readyAfter = Integer.MAX_VALUE;

        EndpointProbe.Outcome outcome = new EndpointProbe(Clock.systemUTC())
                .await(addresses(), "/health", 200, Duration.ofSeconds(1), ContainerState::runningNow);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.observation()).contains("no 200 answer within 1 s").contains("answered 503, not 200");
    }

    @Test
    void stopsAtOnceWhenTheContainerHasExited() {
        readyAfter = Integer.MAX_VALUE;
        long start = System.nanoTime();

        EndpointProbe.Outcome outcome = new EndpointProbe(Clock.systemUTC())
                .await(addresses(), "/health", 200, Duration.ofSeconds(30), () -> ContainerState.exited(139));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.observation()).contains("container stopped (exit code 139)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
