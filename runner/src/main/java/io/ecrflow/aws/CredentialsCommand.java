package io.ecrflow.aws;

import io.ecrflow.UserError;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.apache.commons.exec.Watchdog;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.cache.CachedSupplier;
import software.amazon.awssdk.utils.cache.RefreshResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Credentials from a command the user configured (a "just-in-time" credentials tool), run through the
 * platform's shell like the AWS SDK's {@code credential_process}, and run again shortly before the
 * credentials it printed expire. Its standard output holds the keys: it is parsed, never shown.
 */
final class CredentialsCommand implements AwsCredentialsProvider, SdkAutoCloseable {
    private static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();
    // The keys fit in a few kilobytes; a command printing far more is not a credentials command.
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final Duration STALE_BEFORE_EXPIRY = Duration.ofMinutes(1);
    private static final Duration PREFETCH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final String command;
    private final Duration timeout;
    private final Clock clock;
    private final CachedSupplier<AwsCredentials> cache;

    CredentialsCommand(String command, Duration timeout) {
        this(command, timeout, Clock.systemUTC());
    }

    /** @param clock what tells the time the printed credentials are checked against, here and in the SDK's cache */
    CredentialsCommand(String command, Duration timeout, Clock clock) {
        this.command = command;
        this.timeout = timeout;
        this.clock = clock;
        this.cache = CachedSupplier.builder(this::run).cachedValueName("credentials command").clock(clock).build();
    }

    /** How messages name the command: its program only, since the rest of the line may carry tokens. */
    static String describe(String command) {
        String text = command.trim();
        char first = text.isEmpty() ? ' ' : text.charAt(0);
        int end = first == '"' || first == '\'' ? text.indexOf(first, 1) : -1;
        String program = end > 0 ? text.substring(1, end) : text.split("\\s+", 2)[0];
        return "the credentials command `" + program + "`";
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return cache.get();
    }

    private RefreshResult<AwsCredentials> run() {
        String source = capitalized(describe(command));
        ByteArrayOutputStream stdout = new LimitedBuffer(MAX_OUTPUT);
        ByteArrayOutputStream stderr = new LimitedBuffer(MAX_OUTPUT);
        TreeWatchdog watchdog = new TreeWatchdog(timeout);
        PumpStreamHandler streams = new PumpStreamHandler(stdout, stderr);
        // A killed shell can leave a child holding the pipes open; do not wait for it forever.
        streams.setStopTimeout(Duration.ofSeconds(2));
        DefaultExecutor executor = DefaultExecutor.builder().setExecuteStreamHandler(streams).get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(DESTROYER);
        int exitCode;
        IOException failure = null;
        try {
            exitCode = executor.execute(shell(command));
        } catch (IOException e) {
            exitCode = -1;
            failure = e;
        }
        if (watchdog.timedOut()) {
            throw new UserError(source + " did not finish within " + timeout.toSeconds() + " seconds and was stopped. "
                    + "Check that it needs no interactive input, or raise credentialsCommandTimeout.", "credentialsCommandTimeout");
        }
        if (failure != null) {
            throw new UserError(source + " could not be started: " + failure.getMessage()
                    + ". Check that the program is installed on the agent and on its PATH.", "credentialsCommand", failure);
        }
        if (exitCode != 0) {
            // 127 is how a shell says it found no such program.
            String hint = exitCode == 127 ? " Check that the program is installed on the agent and on its PATH." : "";
            throw new UserError(source + " exited with code " + exitCode + errorOutput(stderr)
                    + ". (Its standard output is not shown because it may hold secrets.)" + hint, "credentialsCommand");
        }
        CredentialProcessOutput output = CredentialProcessOutput.parse(stdout.toString(StandardCharsets.UTF_8), source,
                clock.instant());
        return RefreshResult.builder(output.credentials())
                .staleTime(output.expiration().map(e -> e.minus(STALE_BEFORE_EXPIRY)).orElse(Instant.MAX))
                .prefetchTime(output.expiration().map(e -> e.minus(PREFETCH_BEFORE_EXPIRY)).orElse(null))
                .build();
    }

    /** The last few lines the command wrote to standard error, which is where tools explain failures. */
    private static String errorOutput(ByteArrayOutputStream stderr) {
        List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        return "; its error output: " + (tail.length() > 1000 ? tail.substring(tail.length() - 1000) : tail);
    }

    /** Through the shell, as the AWS SDK runs credential_process, so quoting and $VARIABLES work as typed. */
    private static CommandLine shell(String command) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        CommandLine line = windows ? new CommandLine("cmd.exe").addArgument("/C") : new CommandLine("/bin/sh").addArgument("-c");
        // Passed as one argument, unquoted: Commons Exec would otherwise add literal quotes around it.
        return line.addArgument(command, false);
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    @Override
    public void close() {
        cache.close();
    }

    /**
     * Ends the command's whole process tree when it runs out of time: a shell's children would otherwise
     * live on, holding its output open.
     */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private Process process;
        private boolean timedOut;

        @SuppressWarnings("deprecation") // the builder cannot make subclasses
        TreeWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process started) {
            this.process = started;
            super.start(started);
        }

        /** Set before anything is killed: the shell may exit on its own once its children are gone. */
        synchronized boolean timedOut() {
            return timedOut;
        }

        @Override
        public synchronized void timeoutOccured(Watchdog watchdog) {
            timedOut = true;
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            super.timeoutOccured(watchdog);
        }
    }

    /** Keeps at most {@code limit} bytes and quietly drops the rest. */
    private static final class LimitedBuffer extends ByteArrayOutputStream {
        private final int limit;

        LimitedBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            super.write(bytes, offset, Math.max(0, Math.min(length, limit - count)));
        }

        @Override
        public synchronized void write(int b) {
            if (count < limit) {
                super.write(b);
            }
        }
    }
}
