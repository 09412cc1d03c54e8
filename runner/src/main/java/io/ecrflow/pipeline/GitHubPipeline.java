package io.ecrflow.pipeline;


import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * GitHub Actions ({@code GITHUB_ACTIONS=true}): outputs to {@code GITHUB_OUTPUT}, exported variables to
 * {@code GITHUB_ENV}, the run summary to {@code GITHUB_STEP_SUMMARY}, and workflow commands on stdout for
 * masks, groups, annotations and debug lines
 * (https://docs.github.com/actions/reference/workflow-commands-for-github-actions). The runner reads a
 * command from any line that starts with {@code ::}, so every line but the commands built here passes
 * through {@link UntrustedText}; relayed output is fenced with {@code ::stop-commands::} as well, under a
 * token nobody can guess.
 */
public final class GitHubPipeline extends CommandLogPipeline {
    private final ProgressLines progress = new ProgressLines();

    public GitHubPipeline(Environment environment, PrintStream out) {
        super(environment, out, RunValues.GITHUB);
    }

    @Override
    protected String maskCommand(String value) {
        return WorkflowCommand.of("add-mask").data(value).format();
    }

    @Override
    public void setOutput(String name, String value) {
        String masked = masker.mask(value);
        printText(name + "=" + masked);
        CommandFile.named(environment, "GITHUB_OUTPUT").ifPresent(file -> file.appendGitHubEntry(name, masked));
    }

    @Override
    public void exportVariable(String name, String value) {
        String masked = masker.mask(value);
        printText("export " + name + "=" + ShellWords.quoted(masked));
        CommandFile.named(environment, "GITHUB_ENV").ifPresent(file -> file.appendGitHubEntry(name, masked));
    }

    @Override
    public void rememberForPostJob(String name, String value) {
        // a composite action has no post step: the docs' last step removes what login left
    }

    /**
     * Neutralised line by line, and inside a {@code ::stop-commands::} fence whose token only this run knows.
     * The fence holds the stream, so that no command of ecrflow's own (a mask from another thread) lands
     * inside it, where GitHub would ignore it.
     */
    @Override
    public void relay(String text) {
        String token = "ecrflow-" + UUID.randomUUID();
        synchronized (logLock()) {
            printLine(WorkflowCommand.of("stop-commands").data(token).format());
            try {
                printText(text);
            } finally {
                printLine("::" + token + "::");
            }
        }
    }

    @Override
    public void warning(String message) {
        printLine(WorkflowCommand.of("warning").data(safe(message)).format());
    }

    @Override
    public void error(String message) {
        printLine(WorkflowCommand.of("error").data(safe(message)).format());
    }

    @Override
    public void progress(int percent, String description) {
        progress.next(percent, description).ifPresent(this::printText);
    }

    @Override
    public void beginGroup(String title) {
        printLine(WorkflowCommand.of("group").data(safe(singleLine(title))).format());
    }

    @Override
    public void endGroup() {
        printLine("::endgroup::");
    }

    @Override
    public void debug(String message) {
        if (debugEnabled()) {
            printLine(WorkflowCommand.of("debug").data(safe(message)).format());
        }
    }

    /** {@code RUNNER_DEBUG=1} is how GitHub says "re-run with debug logging"; {@code ECRFLOW_DEBUG} works too. */
    @Override
    public boolean debugEnabled() {
        return environment.get("RUNNER_DEBUG").map("1"::equals).orElse(false) || environment.isTrue("ECRFLOW_DEBUG");
    }

    /**
     * The summary goes out first, so that a failed step still leaves what it did; the error annotation was
     * written already, and the log ends with the result in words.
     */
    @Override
    public void complete(boolean succeeded, String message) {
        publishSummary();
        String detail = message == null || message.isBlank() ? "" : ": " + message;
        printText((succeeded ? "succeeded" : "failed") + detail);
    }

    /** The job summary page shows the Markdown as it is; without the file it goes to the log. */
    private void publishSummary() {
        if (summary.isEmpty()) {
            return;
        }
        String markdown = summary.markdown();
        Optional<CommandFile> file = CommandFile.named(environment, "GITHUB_STEP_SUMMARY");
        if (file.isPresent()) {
            file.get().append("the run summary", markdown);
        } else {
            printText(markdown);
        }
    }

    @Override
    public Path tempDirectory() {
        return environment.get("RUNNER_TEMP")
                .or(() -> Optional.ofNullable(System.getProperty("java.io.tmpdir")))
                .map(Path::of)
                .orElseThrow();
    }

}
