package io.ecrflow.pipeline;

import io.ecrflow.UserError;

import java.io.PrintStream;
import java.util.Locale;

/** Chooses the CI adapter for the environment the runner was started in. */
public final class Pipelines {
    /** Forces an adapter: {@code azure}, {@code github}, {@code circleci}, {@code codebuild} or {@code plain}. */
    public static final String OVERRIDE = "ECRFLOW_CI";

    private Pipelines() {
    }

    /**
     * Each CI by its own marker: Azure Pipelines by {@code TF_BUILD=True} (or the collection URI every agent
     * job has), GitHub Actions by {@code GITHUB_ACTIONS=true}, CircleCI by {@code CIRCLECI=true}, AWS CodeBuild
     * by {@code CODEBUILD_BUILD_ID}; plain output anywhere else. {@value #OVERRIDE} wins over all of them.
     */
    public static Pipeline detect(Environment environment, PrintStream out, PrintStream err) {
        String override = environment.get(OVERRIDE).map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("");
        return switch (override.isEmpty() ? detected(environment) : override) {
            case "azure" -> new AzurePipeline(environment, out);
            case "github" -> new GitHubPipeline(environment, out);
            case "circleci" -> PlainPipeline.circleCi(environment, out, err);
            case "codebuild" -> PlainPipeline.codeBuild(environment, out, err);
            case "plain" -> new PlainPipeline(environment, out, err);
            default -> throw new UserError(OVERRIDE + " is '" + override + "', which is not a CI ecrflow knows. Set it to "
                    + "'azure', 'github', 'circleci', 'codebuild' or 'plain', or unset it to detect the CI.", OVERRIDE);
        };
    }

    private static String detected(Environment environment) {
        if (environment.isTrue("TF_BUILD") || environment.get("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI").isPresent()) {
            return "azure";
        }
        if (environment.isTrue("GITHUB_ACTIONS")) {
            return "github";
        }
        if (environment.isTrue("CIRCLECI")) {
            return "circleci";
        }
        if (environment.get("CODEBUILD_BUILD_ID").isPresent()) {
            return "codebuild";
        }
        return "plain";
    }
}
