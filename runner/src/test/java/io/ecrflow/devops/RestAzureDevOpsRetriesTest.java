package io.ecrflow.devops;

import io.ecrflow.ManualClock;
import io.ecrflow.Secret;
import io.ecrflow.http.LocalServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A call to Azure DevOps that meets a 5xx is tried again, three times at most, pausing longer each time. */
class RestAzureDevOpsRetriesTest {
    private LocalServer server;
    /** Statuses the server answers with, one per request, then 200. */
    private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> notes = new ArrayList<>();
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void start() throws IOException {
        server = LocalServer.start("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            Integer failure = failures.poll();
            byte[] body = failure == null ? "[\"release\"]".getBytes() : new byte[0];
            exchange.sendResponseHeaders(failure == null ? 200 : failure, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AzureDevOps devOps() {
        DevOpsConnection connection = new DevOpsConnection(URI.create("http://" + server.host() + "/org/"), "web",
                Secret.of("job-token"));
        return new RestAzureDevOps(connection, "buildTags", notes::add, clock.drive(RestAzureDevOps.RETRIES));
    }

    @Test
    void aCallAnswered503TwiceGoesThroughOnTheThirdAttemptAfterPausesOfHalfASecondThenASecond() {
        failures.addAll(List.of(503, 502));

        devOps().addBuildTag("42", "release");

        assertThat(requests).hasValue(3);
        assertThat(clock.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(notes).containsExactly(
                "Azure DevOps answered HTTP 503 when asked to tag run 42 'release'; trying again (2 of 3).",
                "Azure DevOps answered HTTP 502 when asked to tag run 42 'release'; trying again (3 of 3).");
    }

    @Test
    void aCallThatKeepsFailingStopsAfterTheThirdAttempt() {
        failures.addAll(List.of(503, 503, 503, 503));

        assertThatThrownBy(() -> devOps().addBuildTag("42", "release")).isInstanceOf(DevOpsFailure.class)
                .hasMessageContaining("503");

        assertThat(requests).hasValue(3);
        assertThat(clock.pauses()).hasSize(2);
    }
}
