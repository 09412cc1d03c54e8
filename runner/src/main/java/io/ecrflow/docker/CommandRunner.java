package io.ecrflow.docker;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the docker CLI through Commons Exec: arguments passed verbatim, an explicit environment (nothing
 * inherited), stdout and stderr delivered line by line as they come. A program still running when the
 * runner is stopped (a cancelled job) is ended with it.
 */
final class CommandRunner {
    private static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();

    /** How a short command ended and what it printed (stdout and stderr together). */
    record Result(int exitCode, List<String> output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} and returns its exit code. {@code timeout} may be null (no limit).
     *
     * @throws IOException when the program cannot be started at all
     * @throws TimedOut    when it ran past {@code timeout} and was stopped
     */
    int run(List<String> argv, Map<String, String> env, Path workingDirectory, Duration timeout, Consumer<String> lines)
            throws IOException {
        CommandLine command = new CommandLine(argv.get(0));
        // No quoting: Commons Exec would otherwise wrap arguments with spaces in literal quotes.
        argv.subList(1, argv.size()).forEach(argument -> command.addArgument(argument, false));
        Consumer<String> oneAtATime = line -> {
            synchronized (lines) {
                lines.accept(line);
            }
        };
        DefaultExecutor executor = DefaultExecutor.builder()
                .setWorkingDirectory(workingDirectory)
                .setExecuteStreamHandler(new PumpStreamHandler(lineStream(oneAtATime), lineStream(oneAtATime)))
                .get();
        executor.setExitValues(null);
        executor.setProcessDestroyer(DESTROYER);
        ExecuteWatchdog watchdog = timeout == null ? null : ExecuteWatchdog.builder().setTimeout(timeout).get();
        if (watchdog != null) {
            executor.setWatchdog(watchdog);
        }
        int exitCode = executor.execute(command, env);
        if (watchdog != null && watchdog.killedProcess()) {
            throw new TimedOut(timeout);
        }
        return exitCode;
    }

    /** The program ran longer than it was given and was stopped. */
    static final class TimedOut extends RuntimeException {
        private final Duration limit;

        TimedOut(Duration limit) {
            super("stopped after " + limit.toSeconds() + " s", null, false, false);
            this.limit = limit;
        }

        Duration limit() {
            return limit;
        }
    }

    /** Runs a short command and collects its output; a program that cannot start counts as failed. */
    Result capture(List<String> argv, Map<String, String> env, Duration timeout) {
        List<String> output = new ArrayList<>();
        try {
            int exitCode = run(argv, env, Path.of(System.getProperty("java.io.tmpdir")), timeout, output::add);
            return new Result(exitCode, List.copyOf(output));
        } catch (TimedOut e) {
            output.add("(" + e.getMessage() + ")");
            return new Result(-1, List.copyOf(output));
        } catch (IOException e) {
            return new Result(-1, List.of(String.valueOf(e.getMessage())));
        }
    }

    private static LogOutputStream lineStream(Consumer<String> lines) {
        return new LogOutputStream(0, StandardCharsets.UTF_8) {
            @Override
            protected void processLine(String line, int level) {
                lines.accept(line);
            }
        };
    }
}
