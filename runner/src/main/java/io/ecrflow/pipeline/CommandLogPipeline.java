package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A CI that reads commands from the step's log (Azure Pipelines, GitHub Actions): what both do alike. Every line
 * passes through the runner's own {@link SecretMasker} before it is printed, and every piece of text but the
 * commands built by the subclass through {@link UntrustedText}, so only those commands reach the CI as commands.
 */
abstract class CommandLogPipeline implements Pipeline {
    protected final Environment environment;
    protected final SecretMasker masker = new SecretMasker();
    protected final RunSummary summary = new RunSummary();
    private final PrintStream out;
    private final RunValues values;

    CommandLogPipeline(Environment environment, PrintStream out, RunValues values) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.out = Objects.requireNonNull(out, "out");
        this.values = values;
    }

    /** The CI's command that masks one value in the rest of the log; the value is not masked, of course. */
    protected abstract String maskCommand(String value);

    @Override
    public final Optional<String> variable(String name) {
        return values.lookup(name, environment);
    }

    /** Both CIs mask line by line, so a multi-line secret is registered whole and per line. */
    @Override
    public final void registerSecret(Secret secret) {
        for (String value : masker.register(secret)) {
            printLine(maskCommand(value));
        }
    }

    @Override
    public void info(String message) {
        printText(message);
    }

    @Override
    public final void summary(String markdown) {
        summary.add(masker.mask(markdown));
    }

    @Override
    public final void phaseFinished(String phase, Duration took) {
        Pipeline.super.phaseFinished(phase, took);
        summary.phase(phase, took);
    }

    /** Masked first: breaking a prefix inside a secret would keep the masker from finding it. */
    protected final String safe(String text) {
        return UntrustedText.neutralised(masker.mask(text == null ? "" : text));
    }

    /** Each line of a text printed on its own, so none can start with something the CI reads. */
    protected final void printText(String text) {
        for (String line : UntrustedText.lines(masker.mask(text))) {
            printLine(UntrustedText.neutralised(line));
        }
    }

    /** Prints a line whose parts were masked already; mask commands must not be. */
    protected final void printLine(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Holds the log for a sequence of lines that no other thread's line may interrupt. */
    protected final Object logLock() {
        return out;
    }

    protected static String singleLine(String text) {
        return text.replace("\r", " ").replace("\n", " ");
    }
}
