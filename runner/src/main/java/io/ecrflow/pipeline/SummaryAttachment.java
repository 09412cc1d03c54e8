package io.ecrflow.pipeline;

import java.util.Optional;

/**
 * Puts a step's run summary on the run's page without a logging command: the agent refuses
 * {@code task.uploadsummary} to a task in restricted command mode.
 */
@FunctionalInterface
public interface SummaryAttachment {
    /** @return empty when the summary is on the run's page; otherwise why it is not and what to change */
    Optional<String> attach(String markdown);
}
