package io.ecrflow.notify;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An incoming webhook of a Teams channel: a classic connector ({@code …webhook.office.com…}, answers 200)
 * or a Workflows webhook ({@code …logic.azure.com…}, answers 202). The URL grants posting to the channel,
 * so it is a secret: never part of a message.
 */
public final class TeamsWebhook implements TeamsChannel {
    private final Secret url;

    private TeamsWebhook(Secret url) {
        this.url = url;
    }

    /** @throws UserError when the value is not an http(s) URL (without repeating it) */
    public static TeamsWebhook of(Secret url) {
        try {
            URI uri = URI.create(url.reveal().trim());
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw new UserError("The Teams webhook URL (INPUT_TEAMSWEBHOOKURL) is not an http(s) URL. Copy it again "
                    + "from the channel's connector or workflow.", "teamsWebhookUrl");
        }
        return new TeamsWebhook(url);
    }

    @Override
    public void post(TeamsCard card) {
        HttpCall.Response response;
        try {
            response = HttpCall.post(URI.create(url.reveal().trim()), card.json().getBytes(StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json")
                    .followRedirects()
                    .send();
        } catch (IOException e) {
            throw new NotificationFailure("The Teams webhook could not be reached (" + scrub(e.getMessage())
                    + "). Check that this agent may reach it and that the URL is current.");
        }
        if (!response.successful()) {
            String body = scrub(response.text());
            String answer = "HTTP " + response.status() + (body.isBlank() ? "" : ": " + abbreviate(body));
            // a 5xx is Teams failing for a moment; anything else is this webhook refusing the card
            throw new NotificationFailure(response.status() >= 500
                    ? "Teams failed to take the card (" + answer + "), so the channel was not told. The webhook itself "
                            + "is fine; tell the channel by hand, or run again later."
                    : "The Teams webhook refused the card (" + answer + "). Check that the webhook still exists.");
        }
    }

    /** A webhook's answer may echo the request path, which is as secret as the whole URL. */
    private String scrub(String text) {
        if (text == null) {
            return "no reason given";
        }
        URI uri = URI.create(url.reveal().trim());
        String scrubbed = text.replace(url.reveal().trim(), "***");
        for (String part : new String[] {uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                uri.getRawQuery(), uri.getRawPath(), uri.getPath()}) {
            if (part != null && part.length() > 1) {
                scrubbed = scrubbed.replace(part, "***");
            }
        }
        return scrubbed;
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
