package io.ecrflow.notify;

/** A Microsoft Teams channel that takes cards. */
public interface TeamsChannel {

    /** Posts the card; throws {@link NotificationFailure} saying why it was not accepted. */
    void post(TeamsCard card);
}
