package io.ecrflow.platform;

import io.ecrflow.dockerfile.BaseImage;

import io.ecrflow.UserError;
import io.ecrflow.devops.QueuedRun;
import io.ecrflow.notify.NotificationFailure;
import io.ecrflow.notify.RunLink;
import io.ecrflow.notify.TeamsCard;
import io.ecrflow.notify.TeamsChannel;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the Teams channel hears about a platform image: a card for every new version and, when asked,
 * for a failed run. A card that cannot be posted is a warning unless the user made it fatal.
 */
final class TeamsNotifications {
    private static final int MESSAGE_LIMIT = 1000;

    private final Pipeline pipeline;
    private final Optional<TeamsChannel> teams;

    TeamsNotifications(Pipeline pipeline, Optional<TeamsChannel> teams) {
        this.pipeline = pipeline;
        this.teams = teams;
    }

    void published(PlatformImageOptions options, String reason, BaseImage base, ImageRef version, List<ImageRef> refs,
                   Digest digest, BaseLabels upstream, List<QueuedRun> queued) {
        if (teams.isEmpty()) {
            pipeline.info("No Teams webhook is configured (INPUT_TEAMSWEBHOOKURL), so no card is posted.");
            return;
        }
        List<TeamsCard.Fact> facts = new ArrayList<>(List.of(
                new TeamsCard.Fact("Repository", options.repository().name().value()),
                new TeamsCard.Fact("Version", version.tag().value()),
                new TeamsCard.Fact("Image", version.toString()),
                new TeamsCard.Fact("Digest", digest.toString()),
                new TeamsCard.Fact("Tags", refs.stream().map(r -> r.tag().value()).collect(Collectors.joining(", "))),
                new TeamsCard.Fact("Base image", base.name()),
                new TeamsCard.Fact("Base digest", upstream.digest().toString())));
        if (!queued.isEmpty()) {
            facts.add(new TeamsCard.Fact("Rebuilding", queued.stream().map(run -> run.pipeline() + " #" + run.name())
                    .collect(Collectors.joining(", "))));
        }
        TeamsCard card = TeamsCard.of(TeamsCard.Tone.GOOD,
                "New platform image " + options.repository().name() + ":" + version.tag(),
                "A new version of the platform image is available and ready to use (" + reason + ").",
                facts, RunLink.from(pipeline::variable));
        try {
            teams.get().post(card);
            pipeline.info("Posted \"" + card.title() + "\" to Teams.");
        } catch (NotificationFailure e) {
            if (options.notifications().fatal()) {
                throw new NotificationFailure(e.getMessage() + " The image itself was published; notifyFatal makes "
                        + "this a failure.");
            }
            pipeline.warning(e.getMessage() + " The image was published; set notifyFatal to fail the run on this.");
        }
    }

    /** Posts the failure when asked to; never hides the failure itself, whatever happens to the card. */
    void failed(PlatformImageOptions options, RuntimeException failure) {
        if (!options.notifications().onFailure() || failure instanceof NotificationFailure) {
            return;
        }
        if (teams.isEmpty()) {
            pipeline.warning("notifyOnFailure is set but no Teams webhook is configured (INPUT_TEAMSWEBHOOKURL).");
            return;
        }
        String message = failure instanceof UserError ? failure.getMessage()
                : "Unexpected failure (" + failure.getClass().getSimpleName() + "); the run's log has the details.";
        if (message.length() > MESSAGE_LIMIT) {
            message = message.substring(0, MESSAGE_LIMIT) + "...";
        }
        TeamsCard card = TeamsCard.of(TeamsCard.Tone.ATTENTION,
                "Platform image " + options.repository().name() + " failed", message,
                List.of(new TeamsCard.Fact("Repository", options.repository().name().value()),
                        new TeamsCard.Fact("Version prefix", options.versions().prefix())),
                RunLink.from(pipeline::variable));
        try {
            teams.get().post(card);
            pipeline.info("Posted the failure to Teams.");
        } catch (NotificationFailure e) {
            pipeline.warning(e.getMessage());
        }
    }
}
