package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A CI whose log is plain text and whose steps are shell commands — CircleCI, AWS CodeBuild, a terminal or
 * any other CI: outputs as {@code NAME=value} lines on stdout, issues on stderr, groups as {@code ---} lines,
 * the run summary in the log. Exported variables and outputs also go to an env file that later commands
 * source, where the CI has one: CircleCI's {@code BASH_ENV} (sourced before every {@code run:} step),
 * CodeBuild's {@code ECRFLOW_ENV_FILE} (its commands share one shell, so {@code . "$ECRFLOW_ENV_FILE"}
 * brings them in). Every printed line passes through {@link UntrustedText}: a log read here may still end
 * up in front of an agent (a plain run inside a script step).
 */
public final class PlainPipeline implements Pipeline {
    /** Names a file to append {@code export} lines to, on any CI of this kind. */
    public static final String ENV_FILE = "ECRFLOW_ENV_FILE";

    private final Environment environment;
    private final PrintStream out;
    private final PrintStream err;
    private final RunValues runValues;
    private final Optional<CommandFile> envFile;
    private final SecretMasker masker = new SecretMasker();
    private final ProgressLines progress = new ProgressLines();
    private final RunSummary summary = new RunSummary();
    private boolean announceEnvFile;

    /** A terminal or a CI ecrflow has no adapter for: an env file only when {@value #ENV_FILE} names one. */
    public PlainPipeline(Environment environment, PrintStream out, PrintStream err) {
        this(environment, out, err, RunValues.PLAIN, CommandFile.named(environment, ENV_FILE), false);
    }

    private PlainPipeline(Environment environment, PrintStream out, PrintStream err, RunValues runValues,
                          Optional<CommandFile> envFile, boolean announceEnvFile) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.runValues = runValues;
        this.envFile = envFile;
        this.announceEnvFile = announceEnvFile;
    }

    /** CircleCI ({@code CIRCLECI=true}): exports go to {@code BASH_ENV}, which every later run step sources. */
    public static PlainPipeline circleCi(Environment environment, PrintStream out, PrintStream err) {
        return new PlainPipeline(environment, out, err, RunValues.CIRCLECI,
                CommandFile.named(environment, ENV_FILE).or(() -> CommandFile.named(environment, "BASH_ENV")), false);
    }

    /**
     * AWS CodeBuild ({@code CODEBUILD_BUILD_ID}): exports go to {@value #ENV_FILE}, or to {@code ecrflow.env} in
     * the temp directory, whose name the log gives.
     */
    public static PlainPipeline codeBuild(Environment environment, PrintStream out, PrintStream err) {
        Optional<CommandFile> named = CommandFile.named(environment, ENV_FILE);
        CommandFile file = named.orElseGet(() -> new CommandFile(ENV_FILE, javaTemp().resolve("ecrflow.env")));
        return new PlainPipeline(environment, out, err, RunValues.CODEBUILD, Optional.of(file), named.isEmpty());
    }

    @Override
    public Optional<String> variable(String name) {
        return runValues.lookup(name, environment);
    }

    @Override
    public void registerSecret(Secret secret) {
        masker.register(secret);
    }

    /** Printed as {@code name=value}; in the env file as {@code ECRFLOW_<NAME>} ({@code imageUri}: {@code ECRFLOW_IMAGE_URI}). */
    @Override
    public void setOutput(String name, String value) {
        String masked = masker.mask(value);
        print(out, name + "=" + UntrustedText.neutralised(masked));
        writeExport("ECRFLOW_" + RunValues.snakeCase(name), masked);
    }

    @Override
    public void exportVariable(String name, String value) {
        String masked = masker.mask(value);
        print(out, "export " + name + "=" + UntrustedText.neutralised(ShellWords.quoted(masked)));
        writeExport(name, masked);
    }

    @Override
    public void rememberForPostJob(String name, String value) {
        // no post-job steps outside Azure Pipelines: the user removes what the step left (docs/login.md)
    }

    @Override
    public void info(String message) {
        print(out, safe(message));
    }

    /** Line by line, each neutralised where it stands: a plain log has no fence to put around it. */
    @Override
    public void relay(String text) {
        for (String line : UntrustedText.lines(masker.mask(text))) {
            print(out, UntrustedText.neutralised(line));
        }
    }

    @Override
    public void warning(String message) {
        print(err, "warning: " + safe(message));
    }

    @Override
    public void error(String message) {
        print(err, "error: " + safe(message));
    }

    @Override
    public void progress(int percent, String description) {
        progress.next(percent, description).ifPresent(line -> print(out, safe(line)));
    }

    @Override
    public void beginGroup(String title) {
        print(out, "--- " + safe(title));
    }

    @Override
    public void endGroup() {
        // a plain log has no groups to close; the next "---" line starts the next one
    }

    @Override
    public void debug(String message) {
        if (debugEnabled()) {
            print(err, "debug: " + safe(message));
        }
    }

    /** {@code System.Debug} as in Azure Pipelines, {@code ECRFLOW_DEBUG}, or GitHub's {@code RUNNER_DEBUG=1}. */
    @Override
    public boolean debugEnabled() {
        return environment.isTrue("System.Debug")
                || environment.isTrue("ECRFLOW_DEBUG")
                || environment.get("RUNNER_DEBUG").map("1"::equals).orElse(false);
    }

    /** The summary closes the log, so that a failed step still shows what it did. */
    @Override
    public void complete(boolean succeeded, String message) {
        if (!summary.isEmpty()) {
            beginGroup("Summary");
            relay(summary.markdown());
        }
        String detail = message == null || message.isBlank() ? "" : ": " + safe(message);
        if (succeeded) {
            print(out, "succeeded" + detail);
        } else {
            print(err, "failed" + detail);
        }
    }

    /** No summary page on these CIs: the summary closes the log, under its own heading. */
    @Override
    public void summary(String markdown) {
        summary.add(markdown);
    }

    @Override
    public void phaseFinished(String phase, Duration took) {
        Pipeline.super.phaseFinished(phase, took);
        summary.phase(phase, took);
    }

    /** GitHub's {@code RUNNER_TEMP} when there (a plain run inside a GitHub step), else the JVM's temp directory. */
    @Override
    public Path tempDirectory() {
        return environment.get("RUNNER_TEMP").map(Path::of).orElseGet(PlainPipeline::javaTemp);
    }

    private static Path javaTemp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private void writeExport(String name, String value) {
        envFile.ifPresent(file -> {
            file.appendExport(name, value);
            if (announceEnvFile) {
                announceEnvFile = false;
                print(out, safe("Variables for later commands are in " + file.path() + ": run `. " + file.path()
                        + "`, or set " + ENV_FILE + " to choose the file."));
            }
        });
    }

    /** Masked first: breaking a prefix inside a secret would keep the masker from finding it. */
    private String safe(String text) {
        return UntrustedText.neutralised(masker.mask(text));
    }

    private static void print(PrintStream stream, String line) {
        synchronized (stream) {
            stream.println(line);
            stream.flush();
        }
    }
}
