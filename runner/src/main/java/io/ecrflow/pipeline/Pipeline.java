package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The CI system the runner is working for: where inputs and variables come from and where
 * outputs, issues and progress go. Only implementations of this interface print CI commands, and
 * they print no text without passing it through {@link UntrustedText}: ecrflow's messages quote
 * branch names, registry answers and tools' error output, so the runner's own commands are the only
 * ones a CI can find in its log.
 */
public interface Pipeline {

    /**
     * A pipeline variable by its dotted name, e.g. {@code Build.BuildId}, or one of the {@link RunValues} every
     * CI fills from its own variables ({@code commit}, {@code branch}, ...); empty when unset or blank.
     */
    Optional<String> variable(String name);

    /** Tells the CI to mask this value in every log line from now on. Call before the value is used. */
    void registerSecret(Secret secret);

    /** An output other steps can read ({@code registry}, {@code imageUri}, ...). */
    void setOutput(String name, String value);

    /** A variable for later steps of the same job, such as {@code DOCKER_CONFIG}. */
    void exportVariable(String name, String value);

    /**
     * Keeps a value for this task's own post-job step (Azure Pipelines task variables, read back as
     * {@code VSTS_TASKVARIABLE_<NAME>}); CIs without post-job steps ignore it.
     */
    void rememberForPostJob(String name, String value);

    void info(String message);

    /**
     * Shows output ecrflow did not write and only passes on: the build's log, the test application's
     * log, push status from the engine. Each line reaches the log neutralised for this CI, so a
     * Dockerfile or a test app cannot set variables, change PATH or end the step through it.
     * {@code text} may hold several lines.
     */
    void relay(String text);

    void warning(String message);

    void error(String message);

    /** Long-running step progress, 0..100. */
    void progress(int percent, String description);

    /** Opens a collapsible group of log lines (where the CI has them). */
    void beginGroup(String title);

    void endGroup();

    /** Debug lines are only shown when the user asked for them (System.Debug in Azure Pipelines). */
    void debug(String message);

    boolean debugEnabled();

    /**
     * The run's summary in Markdown (image, digest, tags...), shown where the CI shows one: GitHub's job
     * summary page ({@code GITHUB_STEP_SUMMARY}); the log's last group where the CI has no such page. Each
     * call adds to what earlier calls wrote. Untrusted parts must be escaped with {@link MarkdownText}.
     */
    default void summary(String markdown) {
        // a CI adapter without a summary of its own shows none
    }

    /**
     * A phase of the run (login, build, push, test) took this long: the log says so, and an adapter that
     * writes a summary at the end lists every phase in it.
     */
    default void phaseFinished(String phase, Duration took) {
        info(phase + " took " + PhaseTimer.format(took) + ".");
    }

    /** Final result of the step. */
    void complete(boolean succeeded, String message);

    /** A folder for files that must not outlive the job (the agent's temp directory when there is one). */
    Path tempDirectory();
}
