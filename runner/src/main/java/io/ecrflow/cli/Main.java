package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.devops.StepSummary;
import io.ecrflow.http.ProxySettings;
import io.ecrflow.pipeline.AzurePipeline;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.InputDefaults;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.pipeline.Pipelines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Entry point of the runner jar: picks the CI adapter, registers secrets, runs one command, and is the
 * one place where failures become an error issue, a failed result and a non-zero exit code.
 */
@Command(name = "ecrflow", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Build, tag and push container images to Amazon ECR.",
        subcommands = {LoginCommand.class, BuildPushCommand.class, LogoutCommand.class, PlatformImageCommand.class,
                PromoteCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // HttpURLConnection sends a POST that got no answer once more on its own, unseen by the retry policies: a
        // second upload start, a second queued run. Read once, when the JDK's HTTP client class loads: set it first.
        System.setProperty("sun.net.http.retryPost", "false");
        int code = run(args, Environment.system(), Path.of("").toAbsolutePath(), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, Environment env, Path workingDirectory, PrintStream out, PrintStream err) {
        Pipeline pipeline = Pipelines.detect(env, out, err);
        SecretEnvironment.register(env, pipeline);
        if (pipeline instanceof AzurePipeline azure) {
            StepSummary.of(env, pipeline::info).ifPresent(azure::attachSummariesWith);
        }
        try {
            useProxy(ProxySettings.from(env), pipeline);
        } catch (UserError e) {
            return fail(pipeline, e);
        }
        RunContext context = new RunContext(pipeline, env, workingDirectory);
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setDefaultValueProvider(new InputDefaults(env));
        commandLine.getSubcommands().values().forEach(sub -> {
            if (sub.getCommand() instanceof RunnerCommand command) {
                command.bind(context);
            }
        });
        commandLine.setParameterExceptionHandler((e, args1) -> {
            pipeline.error(e.getMessage() + " (see --help)");
            pipeline.complete(false, e.getMessage());
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> fail(pipeline, e));
        return commandLine.execute(args);
    }

    /** A proxy from the environment serves the whole process; without one nothing changes. */
    private static void useProxy(ProxySettings proxy, Pipeline pipeline) {
        if (!proxy.any()) {
            return;
        }
        proxy.secrets().forEach(pipeline::registerSecret);
        proxy.install();
        proxy.describe().ifPresent(pipeline::info);
    }

    static int fail(Pipeline pipeline, Exception e) {
        String message = report(pipeline, e);
        pipeline.complete(false, message);
        return 1;
    }

    /** Shows a failure as an error (with its stack trace when debug is on) and returns the message shown. */
    static String report(Pipeline pipeline, Exception e) {
        String message;
        if (e instanceof UserError user) {
            message = namingTheInput(user);
        } else {
            message = "Unexpected failure: " + e + ". Run again with System.Debug=true for details, and report it if it persists.";
        }
        if (pipeline.debugEnabled()) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            trace.toString().lines().forEach(pipeline::debug);
        }
        pipeline.error(message);
        return message;
    }

    /**
     * The message, and the input to fix when the message does not name it already: an error read in the agent's
     * summary must point at the task input (and, elsewhere, at the option) without the user guessing.
     */
    static String namingTheInput(UserError error) {
        String message = error.getMessage();
        return error.input()
                .filter(input -> !message.contains(input))
                .map(input -> message + " (task input '" + input + "', option --" + Options.dashed(input) + ")")
                .orElse(message);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Reads the version Maven filtered into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/ecrflow-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"ecrflow " + properties.getProperty("version", "unknown")};
        }
    }
}
