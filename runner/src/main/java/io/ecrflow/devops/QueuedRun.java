package io.ecrflow.devops;

import java.net.URI;

/**
 * A run Azure DevOps queued.
 *
 * @param pipeline the pipeline's name
 * @param name     the run's name (its build number)
 * @param web      the run's page
 */
public record QueuedRun(int id, String pipeline, String name, URI web) {
}
