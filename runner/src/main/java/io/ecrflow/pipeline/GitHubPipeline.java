package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
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
public final class GitHubPipeline implements Pipeline {
    private final Environment environment;
    private final PrintStream out;
    private final SecretMasker masker = new SecretMasker();
    private final ProgressLines progress = new ProgressLines();
    private final RunSummary summary = new RunSummary();

    public GitHubPipeline(Environment environment, PrintStream out) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public Optional<String> variable(String name) {
        return RunValues.GITHUB.lookup(name, environment);
    }

    /** GitHub masks line by line too, so a multi-line secret is registered whole and per line. */
    @Override
    public void registerSecret(Secret secret) {
        if (!masker.register(secret)) {
            return;
        }
        String value = secret.reveal();
        printLine(WorkflowCommand.of("add-mask").data(value).format());
        String[] lines = value.split("\\r?\\n|\\r");
        if (lines.length > 1) {
            for (String line : lines) {
                if (!line.isBlank()) {
                    printLine(WorkflowCommand.of("add-mask").data(line).format());
                }
            }
        }
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

    @Override
    public void info(String message) {
        printText(message);
    }

    /**
     * Neutralised line by line, and inside a {@code ::stop-commands::} fence whose token only this run knows.
     * The fence holds the stream, so that no command of ecrflow's own (a mask from another thread) lands
     * inside it, where GitHub would ignore it.
     */
    @Override
    public void relay(String text) {
        String token = "ecrflow-" + UUID.randomUUID();
        synchronized (out) {
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
        printLine(WorkflowCommand.of("group").data(safe(title.replace("\r", " ").replace("\n", " "))).format());
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

    @Override
    public void summary(String markdown) {
        summary.add(masker.mask(markdown));
    }

    @Override
    public void phaseFinished(String phase, Duration took) {
        Pipeline.super.phaseFinished(phase, took);
        summary.phase(phase, took);
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

    /** Masked first: breaking a prefix inside a secret would keep the masker from finding it. */
    private String safe(String text) {
        return UntrustedText.neutralised(masker.mask(text == null ? "" : text));
    }

    private void printText(String text) {
        for (String line : UntrustedText.lines(masker.mask(text))) {
            printLine(UntrustedText.neutralised(line));
        }
    }

    private void printLine(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
