package io.ecrflow.notify;

import io.ecrflow.UserError;

/** A card that did not reach Teams. The message never holds the webhook URL: it is a secret. */
public final class NotificationFailure extends UserError {
    public NotificationFailure(String message) {
        super(message, "teamsWebhookUrl");
    }
}
