package io.ecrflow.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The payload both classic connectors and Workflows webhooks accept. */
class TeamsCardTest {

    private static JsonNode json(TeamsCard card) throws Exception {
        return new ObjectMapper().readTree(card.json());
    }

    @Test
    void aCardIsAnAdaptiveCardAttachmentOfAMessage() throws Exception {
        TeamsCard card = TeamsCard.of(TeamsCard.Tone.GOOD, "New platform image runtime:6.0-bullseye-slim-1.4.0",
                "Ready to use.", List.of(new TeamsCard.Fact("Version", "6.0-bullseye-slim-1.4.0"),
                        new TeamsCard.Fact("Base digest", "sha256:" + "c".repeat(64))),
                Optional.of(URI.create("https://dev.azure.com/org/Platform%20Team/_build/results?buildId=42")));

        JsonNode message = json(card);
        assertThat(message.path("type").asText()).isEqualTo("message");
        JsonNode attachment = message.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode content = attachment.path("content");
        assertThat(content.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(content.path("version").asText()).isEqualTo("1.4");
        assertThat(content.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(content.path("body").get(0).path("text").asText()).isEqualTo("New platform image runtime:6.0-bullseye-slim-1.4.0");
        assertThat(content.path("body").get(0).path("color").asText()).isEqualTo("Good");
        JsonNode facts = content.path("body").get(2).path("facts");
        assertThat(facts.get(0).path("title").asText()).isEqualTo("Version");
        assertThat(facts.get(1).path("value").asText()).isEqualTo("sha256:" + "c".repeat(64));
        JsonNode action = content.path("actions").get(0);
        assertThat(action.path("type").asText()).isEqualTo("Action.OpenUrl");
        assertThat(action.path("url").asText()).isEqualTo("https://dev.azure.com/org/Platform%20Team/_build/results?buildId=42");
    }

    @Test
    void textIsEscapedAndEmptyFactsAndAMissingLinkAreLeftOut() throws Exception {
        TeamsCard card = TeamsCard.of(TeamsCard.Tone.ATTENTION, "Platform image \"runtime\" failed",
                "line 1\nline 2 with a \\ backslash", List.of(new TeamsCard.Fact("Version prefix", "")), Optional.empty());

        JsonNode content = json(card).path("attachments").get(0).path("content");
        assertThat(content.path("body").get(0).path("text").asText()).isEqualTo("Platform image \"runtime\" failed");
        assertThat(content.path("body").get(0).path("color").asText()).isEqualTo("Attention");
        assertThat(content.path("body").get(1).path("text").asText()).isEqualTo("line 1\nline 2 with a \\\\ backslash");
        assertThat(content.path("body")).hasSize(2);
        assertThat(content.has("actions")).isFalse();
    }

    @Test
    void foreignTextShowsAsPlainTextWithoutLinksOrMentions() throws Exception {
        TeamsCard card = TeamsCard.of(TeamsCard.Tone.ATTENTION, "Platform image [runtime](https://evil.example/) failed",
                "The build failed: <at>General</at> please [approve](https://evil.example/approve)",
                List.of(new TeamsCard.Fact("Branch", "feature/[click](https://evil.example/)")), Optional.empty());

        JsonNode content = json(card).path("attachments").get(0).path("content");
        assertThat(content.path("body").get(0).path("text").asText())
                .isEqualTo("Platform image \\[runtime\\]\\(https://evil.example/\\) failed");
        assertThat(content.path("body").get(1).path("text").asText()).doesNotContain("](").doesNotContain("<at>")
                .contains("\\<at\\>General");
        assertThat(content.path("body").get(2).path("facts").get(0).path("value").asText())
                .isEqualTo("feature/\\[click\\]\\(https://evil.example/\\)");
        assertThat(card.title()).as("the log shows the title as it is").isEqualTo("Platform image [runtime](https://evil.example/) failed");
    }
}
