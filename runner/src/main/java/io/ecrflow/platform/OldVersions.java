package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.aws.LifecyclePolicy;

import java.util.Optional;

/**
 * keepVersions' {@code retentionAction}: what ECR does with the versions past the newest N. They are expired
 * (deleted), or moved to ECR's archive storage class, where they cost less, keep their tags and cannot be pulled
 * until restored (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html); archived versions
 * stay until a second rule expires them {@code archiveDays} after they were archived, if given.
 */
public record OldVersions(Action action, Optional<Integer> archiveDays) {
    public static final String ACTION_INPUT = "retentionAction";
    public static final String DAYS_INPUT = "archiveDays";
    public static final OldVersions EXPIRE = new OldVersions(Action.EXPIRE, Optional.empty());

    public enum Action { EXPIRE, ARCHIVE }

    public OldVersions {
        if (action == Action.EXPIRE && archiveDays.isPresent()) {
            throw new UserError("archiveDays says how long archived versions stay, but retentionAction is expire: "
                    + "versions past keepVersions are deleted, never archived. Set retentionAction to archive, or "
                    + "leave archiveDays out.", DAYS_INPUT);
        }
        if (archiveDays.isPresent() && archiveDays.get() < LifecyclePolicy.MIN_ARCHIVE_DAYS) {
            throw new UserError("Input 'archiveDays' is '" + archiveDays.get() + "', but ECR keeps archived images at "
                    + "least " + LifecyclePolicy.MIN_ARCHIVE_DAYS + " days and refuses a rule that expires them sooner. "
                    + "Use " + LifecyclePolicy.MIN_ARCHIVE_DAYS + " or more, or leave it out to keep them archived.",
                    DAYS_INPUT);
        }
    }

    public boolean archives() {
        return action == Action.ARCHIVE;
    }
}
