package io.ecrflow.pipeline;

import io.ecrflow.UserError;

import java.io.PrintStream;
import java.util.Locale;

/** Chooses the CI adapter for the environment the runner was started in. */
public final class Pipelines {
    /** Forces an adapter: {@code azure} or {@code plain}. */
    public static final String OVERRIDE = "ECRFLOW_CI";

    private Pipelines() {
    }

    /**
     * Azure Pipelines when the agent's markers are there ({@code TF_BUILD=True}, or the collection URI
     * every agent job has), any other environment gets plain output. {@value #OVERRIDE} wins over both.
     */
    public static Pipeline detect(Environment environment, PrintStream out, PrintStream err) {
        String override = environment.get(OVERRIDE).map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("");
        return switch (override) {
            case "azure" -> new AzurePipeline(environment, out);
            case "plain" -> new PlainPipeline(environment, out, err);
            case "" -> isAzurePipelines(environment)
                    ? new AzurePipeline(environment, out)
                    : new PlainPipeline(environment, out, err);
            default -> throw new UserError(OVERRIDE + " is '" + override
                    + "', which is not a CI ecrflow knows. Set it to 'azure' or 'plain', or unset it to detect the CI.",
                    OVERRIDE);
        };
    }

    private static boolean isAzurePipelines(Environment environment) {
        return environment.isTrue("TF_BUILD") || environment.get("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI").isPresent();
    }
}
