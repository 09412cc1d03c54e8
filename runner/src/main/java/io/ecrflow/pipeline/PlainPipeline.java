package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import io.ecrflow.UserError;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Any CI other than Azure Pipelines, or a terminal: outputs as {@code NAME=value} lines on stdout,
 * issues on stderr. When GitHub Actions' {@code GITHUB_OUTPUT}/{@code GITHUB_ENV} files are there,
 * outputs and exported variables are also appended to them in GitHub's own format. Every printed line
 * passes through {@link UntrustedText}: GitHub Actions reads workflow commands from a step's output, and
 * a log read elsewhere may still end up in front of an agent (a plain run inside a script step).
 */
public final class PlainPipeline implements Pipeline {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]*");

    private final Environment environment;
    private final PrintStream out;
    private final PrintStream err;
    private final SecretMasker masker = new SecretMasker();
    private String progressDescription;
    private int progressStep = -1;

    public PlainPipeline(Environment environment, PrintStream out, PrintStream err) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    @Override
    public Optional<String> variable(String name) {
        return environment.variable(name);
    }

    @Override
    public void registerSecret(Secret secret) {
        masker.register(secret);
    }

    @Override
    public void setOutput(String name, String value) {
        String masked = masker.mask(value);
        print(out, name + "=" + UntrustedText.neutralised(masked));
        environment.get("GITHUB_OUTPUT").ifPresent(file -> appendGitHubEntry(file, "GITHUB_OUTPUT", name, masked));
    }

    @Override
    public void exportVariable(String name, String value) {
        String masked = masker.mask(value);
        print(out, "export " + name + "=" + UntrustedText.neutralised(shellQuoted(masked)));
        environment.get("GITHUB_ENV").ifPresent(file -> appendGitHubEntry(file, "GITHUB_ENV", name, masked));
    }

    @Override
    public void rememberForPostJob(String name, String value) {
        // no post-job steps outside Azure Pipelines: the user removes what the step left (docs/login.md)
    }

    @Override
    public void info(String message) {
        print(out, safe(message));
    }

    /**
     * Line by line, each neutralised where it stands. (A GitHub adapter may fence such output with
     * {@code ::stop-commands::} as well; a plain log has no such fence.)
     */
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

    /** A line per 10% step (or new description), so a push does not flood a plain log. */
    @Override
    public synchronized void progress(int percent, String description) {
        int value = Math.max(0, Math.min(100, percent));
        int step = value / 10;
        if (step == progressStep && Objects.equals(description, progressDescription)) {
            return;
        }
        progressStep = step;
        progressDescription = description;
        print(out, (description == null ? "" : safe(description) + " ") + value + "%");
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

    @Override
    public void complete(boolean succeeded, String message) {
        String detail = message == null || message.isBlank() ? "" : ": " + safe(message);
        if (succeeded) {
            print(out, "succeeded" + detail);
        } else {
            print(err, "failed" + detail);
        }
    }

    /** GitHub's {@code RUNNER_TEMP} when there, else the JVM's temp directory. */
    @Override
    public Path tempDirectory() {
        return environment.get("RUNNER_TEMP")
                .or(() -> Optional.ofNullable(System.getProperty("java.io.tmpdir")))
                .map(Path::of)
                .orElseThrow();
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

    /**
     * GitHub's file format: {@code name=value}, or a heredoc with a random delimiter for multi-line values
     * (https://docs.github.com/actions/reference/workflow-commands-for-github-actions#multiline-strings).
     */
    private static void appendGitHubEntry(String file, String fileVariable, String name, String value) {
        String entry;
        if (value.contains("\n") || value.contains("\r")) {
            String delimiter = "ecrflow_" + UUID.randomUUID();
            entry = name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
        } else {
            entry = name + "=" + value + "\n";
        }
        try {
            Files.writeString(Path.of(file), entry, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError("Could not write '" + name + "' to the file named by " + fileVariable + " (" + file
                    + "): " + e.getMessage() + ". Check that the variable points to a writable file, or unset it.",
                    fileVariable, e);
        }
    }

    private static String shellQuoted(String value) {
        if (!value.isEmpty() && SHELL_SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
