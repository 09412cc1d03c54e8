package io.ecrflow.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrflow.pipeline.MarkdownText;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An Adaptive Card (schema 1.4, the highest Teams renders everywhere) wrapped in the message both kinds of
 * incoming webhook accept — classic connectors and Workflows
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using):
 * {@code {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]}}.
 * Teams renders Markdown in TextBlocks and facts, and a card quotes branch names, tags and error output,
 * so every text is written as plain text ({@link MarkdownText}): nothing in it becomes a link or a mention.
 */
public final class TeamsCard {
    public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    public static final String VERSION = "1.4";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether the card reports good news or a failure: the title's colour. */
    public enum Tone { GOOD, ATTENTION }

    public record Fact(String title, String value) {
    }

    private final String title;
    private final Tone tone;
    private final String text;
    private final List<Fact> facts;
    private final Optional<URI> link;

    private TeamsCard(String title, Tone tone, String text, List<Fact> facts, Optional<URI> link) {
        this.title = title;
        this.tone = tone;
        this.text = text;
        this.facts = List.copyOf(facts);
        this.link = link;
    }

    /**
     * @param link the pipeline run, shown as a button when there is one
     */
    public static TeamsCard of(Tone tone, String title, String text, List<Fact> facts, Optional<URI> link) {
        List<Fact> shown = new ArrayList<>();
        facts.stream().filter(f -> f.value() != null && !f.value().isBlank()).forEach(shown::add);
        return new TeamsCard(title, tone, text, shown, link);
    }

    public String title() {
        return title;
    }

    public List<Fact> facts() {
        return facts;
    }

    /** The webhook payload. */
    public String json() {
        ObjectNode message = JSON.createObjectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", VERSION);
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("size", "Large").put("weight", "Bolder")
                .put("color", tone == Tone.GOOD ? "Good" : "Attention").put("wrap", true).put("text", MarkdownText.escaped(title));
        if (text != null && !text.isBlank()) {
            body.addObject().put("type", "TextBlock").put("wrap", true).put("text", MarkdownText.escaped(text));
        }
        if (!facts.isEmpty()) {
            ArrayNode factSet = body.addObject().put("type", "FactSet").putArray("facts");
            facts.forEach(fact -> factSet.addObject().put("title", MarkdownText.escaped(fact.title()))
                    .put("value", MarkdownText.escaped(fact.value())));
        }
        link.ifPresent(uri -> card.putArray("actions").addObject().put("type", "Action.OpenUrl")
                .put("title", "Open the pipeline run").put("url", uri.toString()));
        card.putObject("msteams").put("width", "Full");
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a card of strings always serialises", e);
        }
    }
}
