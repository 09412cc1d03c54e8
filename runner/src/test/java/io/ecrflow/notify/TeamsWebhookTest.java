package io.ecrflow.notify;

import com.sun.net.httpserver.HttpServer;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeamsWebhookTest {
    private HttpServer receiver;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhookb2/", exchange -> {
            bodies.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = (status == 200 ? "1" : "Webhook message delivery failed for " + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhookb2/secret-part-0f8e";
    }

    private static TeamsCard card() {
        return TeamsCard.of(TeamsCard.Tone.GOOD, "title", "text", List.of(), Optional.empty());
    }

    @Test
    void postsTheCardAsJsonAndAcceptsTheAnswersOfBothWebhookKinds() {
        TeamsWebhook.of(Secret.of(url())).post(card());
        status = 202;
        TeamsWebhook.of(Secret.of(url())).post(card());

        assertThat(bodies).hasSize(2).allSatisfy(body -> assertThat(body).startsWith("application/json {\"type\":\"message\""));
    }

    @Test
    void aRefusedCardIsAFailureThatNeverRepeatsTheUrl() {
        status = 400;

        assertThatThrownBy(() -> TeamsWebhook.of(Secret.of(url())).post(card()))
                .isInstanceOf(NotificationFailure.class)
                .hasMessageContaining("HTTP 400").hasMessageNotContaining("secret-part-0f8e");
    }

    @Test
    void anUnreachableWebhookIsAFailureToo() {
        String gone = url();
        receiver.stop(0);

        assertThatThrownBy(() -> TeamsWebhook.of(Secret.of(gone)).post(card()))
                .isInstanceOf(NotificationFailure.class).hasMessageContaining("could not be reached")
                .hasMessageNotContaining("secret-part-0f8e");
    }

    @Test
    void aValueThatIsNotAUrlIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> TeamsWebhook.of(Secret.of("not a url at all")))
                .isInstanceOf(UserError.class).hasMessageContaining("INPUT_TEAMSWEBHOOKURL")
                .hasMessageNotContaining("not a url at all");
    }
}
