package io.ecrflow.publish;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which pipeline run built an image: the commit and the run's id, which a rerun of the same run keeps
 * (Azure Pipelines' {@code Build.BuildId} when failed jobs are rerun, GitHub's {@code GITHUB_RUN_ID} on a
 * re-run, CircleCI's workflow id on "rerun from failed"). Written into the image as labels, so a rerun can
 * tell its own earlier, half-finished publication from another run's image.
 */
public record RunIdentity(String revision, String runId) {
    public static final String REVISION_LABEL = "org.opencontainers.image.revision";
    public static final String RUN_LABEL = "io.ecrflow.run-id";

    /** Commit and run variables, per CI, in the order they are tried. */
    private static final List<List<String>> SOURCES = List.of(
            List.of("Build.SourceVersion", "Build.BuildId"),
            List.of("GITHUB_SHA", "GITHUB_RUN_ID"),
            List.of("CIRCLE_SHA1", "CIRCLE_WORKFLOW_ID"));

    /** This run's identity; empty outside a CI run that has both values. */
    public static Optional<RunIdentity> of(Function<String, Optional<String>> variables) {
        for (List<String> source : SOURCES) {
            Optional<String> revision = variables.apply(source.get(0)).map(String::trim).filter(v -> !v.isEmpty());
            Optional<String> run = variables.apply(source.get(1)).map(String::trim).filter(v -> !v.isEmpty());
            if (revision.isPresent() && run.isPresent()) {
                return Optional.of(new RunIdentity(revision.get(), run.get()));
            }
        }
        return Optional.empty();
    }

    public Map<String, String> labels() {
        return Map.of(REVISION_LABEL, revision, RUN_LABEL, runId);
    }

    /** Whether an image with these labels was built by this run (an earlier attempt of it). */
    public boolean built(Map<String, String> labels) {
        return revision.equals(labels.get(REVISION_LABEL)) && runId.equals(labels.get(RUN_LABEL));
    }
}
