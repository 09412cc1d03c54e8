package io.ecrflow.pipeline;


import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Azure Pipelines: reads the agent's environment and answers with logging commands on stdout
 * (https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands).
 * Every line passes through the runner's own {@link SecretMasker} before it is printed, and every piece
 * of text but the runner's own command syntax through {@link UntrustedText}: the agent acts on
 * {@code ##vso[} anywhere in a line, so only the commands built here may carry it.
 */
public final class AzurePipeline extends CommandLogPipeline {
    /**
     * Set by ecrflow's task launcher to {@code restricted} when the task.json declares restricted command
     * mode: the agent then drops {@code task.uploadsummary} (and any command but a few), so the summary is
     * attached through Azure DevOps REST instead (see {@link #attachSummariesWith}), and handed to later steps as the
     * {@value #SUMMARY_OUTPUT} output.
     */
    public static final String COMMAND_MODE = "ECRFLOW_COMMAND_MODE";
    static final String SUMMARY_OUTPUT = "summaryFile";

    private Optional<SummaryAttachment> attachment = Optional.empty();

    public AzurePipeline(Environment environment, PrintStream out) {
        super(environment, out, RunValues.AZURE);
    }

    @Override
    protected String maskCommand(String value) {
        return LoggingCommand.of("task.setsecret").message(value).format();
    }

    /** How a summary reaches the run's page in restricted command mode, where task.uploadsummary is refused. */
    public void attachSummariesWith(SummaryAttachment attachment) {
        this.attachment = Optional.of(attachment);
    }

    @Override
    public void setOutput(String name, String value) {
        emit(LoggingCommand.of("task.setvariable")
                .property("variable", name)
                .property("isOutput", "true")
                .property("issecret", "false")
                .message(masker.mask(value)));
    }

    @Override
    public void exportVariable(String name, String value) {
        emit(LoggingCommand.of("task.setvariable").property("variable", name).message(masker.mask(value)));
    }

    @Override
    public void rememberForPostJob(String name, String value) {
        emit(LoggingCommand.of("task.settaskvariable").property("variable", name).message(masker.mask(value)));
    }

    @Override
    public void relay(String text) {
        printText(text);
    }

    @Override
    public void warning(String message) {
        logIssue("warning", message);
    }

    @Override
    public void error(String message) {
        logIssue("error", message);
    }

    @Override
    public void progress(int percent, String description) {
        int value = Math.max(0, Math.min(100, percent));
        emit(LoggingCommand.of("task.setprogress")
                .property("value", Integer.toString(value))
                .message(safe(description)));
    }

    @Override
    public void beginGroup(String title) {
        printLine("##[group]" + safe(singleLine(title)));
    }

    @Override
    public void endGroup() {
        printLine("##[endgroup]");
    }

    @Override
    public void debug(String message) {
        if (!debugEnabled()) {
            return;
        }
        // "##[debug]" styles one line only; each line of a longer message gets its own prefix.
        for (String line : UntrustedText.lines(masker.mask(message))) {
            printLine("##[debug]" + UntrustedText.neutralised(line));
        }
    }

    @Override
    public boolean debugEnabled() {
        return environment.isTrue("System.Debug");
    }

    /** The summary goes out first, so that a failed step still leaves what it did. */
    @Override
    public void complete(boolean succeeded, String message) {
        publishSummary();
        emit(LoggingCommand.of("task.complete")
                .property("result", succeeded ? "Succeeded" : "Failed")
                .message(safe(message)));
    }

    @Override
    public Path tempDirectory() {
        return environment.variable("Agent.TempDirectory")
                .or(() -> Optional.ofNullable(System.getProperty("java.io.tmpdir")))
                .map(Path::of)
                .orElseThrow();
    }

    /**
     * Writes the summary to a file in the agent's temp folder (emptied after the job) and shows it in the log.
     * A script step uploads it with {@code task.uploadsummary}, which puts it on the run's Extensions tab; in
     * restricted command mode the agent refuses that command to the task itself (azure-pipelines-agent,
     * TaskCommandExtension.cs: TaskUploadSummaryCommand and TaskAddAttachmentCommand are not marked
     * AllowedInRestrictedMode), so with the job's access token the summary is attached to the step through REST,
     * which puts it on the same tab; the file's path becomes an output either way, for a later step to use.
     */
    private void publishSummary() {
        if (summary.isEmpty()) {
            return;
        }
        String markdown = summary.markdown();
        Path file = tempDirectory().resolve("ecrflow-summary-" + UUID.randomUUID() + ".md");
        try {
            Files.writeString(file, markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            warning("Could not write the run summary to " + file + ": " + e.getMessage()
                    + ". The summary is in the log only.");
            file = null;
        }
        beginGroup("Summary");
        relay(markdown);
        endGroup();
        if (file == null) {
            return;
        }
        if (restrictedCommands()) {
            setOutput(SUMMARY_OUTPUT, file.toString());
            String uploadLater = "a later script step can upload it to the run's Extensions tab with the "
                    + "task.uploadsummary logging command (docs/security.md).";
            if (attachment.isEmpty()) {
                info("The run summary is in " + file + " (output " + SUMMARY_OUTPUT + "); " + uploadLater);
                return;
            }
            Optional<String> refused = attachment.get().attach(markdown);
            if (refused.isEmpty()) {
                info("The run summary is on the run's Extensions tab, and in " + file + " (output " + SUMMARY_OUTPUT + ").");
            } else {
                warning("The run summary is not on the run's Extensions tab. " + refused.get() + " The summary is in "
                        + "the log and in " + file + " (output " + SUMMARY_OUTPUT + "); " + uploadLater);
            }
        } else {
            emit(LoggingCommand.of("task.uploadsummary").message(masker.mask(file.toString())));
        }
    }

    private boolean restrictedCommands() {
        return environment.get(COMMAND_MODE).map(mode -> mode.trim().equalsIgnoreCase("restricted")).orElse(false);
    }

    private void logIssue(String type, String message) {
        emit(LoggingCommand.of("task.logissue").property("type", type).message(safe(message)));
    }

    /** Commands are built from masked parts; masking the escaped line would miss secrets containing '%' or ';'. */
    private void emit(LoggingCommand command) {
        printLine(command.format());
    }

}
