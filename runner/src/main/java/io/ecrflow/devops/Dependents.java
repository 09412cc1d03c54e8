package io.ecrflow.devops;

import java.util.List;

/**
 * The pipelines to queue once a new version is published.
 *
 * @param fatal a pipeline that cannot be queued fails the run (otherwise it is a warning)
 */
public record Dependents(List<Dependent> pipelines, boolean fatal) {
    public static final Dependents NONE = new Dependents(List.of(), false);

    public Dependents {
        pipelines = List.copyOf(pipelines);
    }

    public boolean any() {
        return !pipelines.isEmpty();
    }
}
