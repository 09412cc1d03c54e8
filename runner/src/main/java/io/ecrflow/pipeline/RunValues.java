package io.ecrflow.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every CI knows about a run, under one name each whatever the CI calls it: {@code commit},
 * {@code shortCommit} (its first 8 characters), {@code branch}, {@code buildNumber},
 * {@code pipelineNumber} and {@code repositoryUrl}. Tag templates ({@code $(commit:8)}), the default tags and
 * the OCI labels use these names, so one set-up works on every CI. A CI that lacks a value (CircleCI's
 * pipeline number is a config value, not a variable) takes it from {@code ECRFLOW_<NAME>}, e.g.
 * {@code ECRFLOW_PIPELINE_NUMBER}. Any other name is looked up as a pipeline variable.
 */
public enum RunValues {
    /** https://learn.microsoft.com/azure/devops/pipelines/build/variables */
    AZURE(Map.of(
            "commit", env -> env.variable("Build.SourceVersion"),
            "branch", env -> env.variable("Build.SourceBranchName"),
            "buildNumber", env -> env.variable("Build.BuildId"),
            "pipelineNumber", env -> env.variable("Build.BuildId"),
            "repositoryUrl", env -> env.variable("Build.Repository.Uri"))),
    /** https://docs.github.com/actions/reference/variables-reference; a pull request's branch is GITHUB_HEAD_REF. */
    GITHUB(Map.of(
            "commit", env -> env.get("GITHUB_SHA"),
            "branch", env -> env.get("GITHUB_HEAD_REF").or(() -> env.get("GITHUB_REF_NAME")),
            "buildNumber", env -> env.get("GITHUB_RUN_NUMBER"),
            "pipelineNumber", env -> env.get("GITHUB_RUN_NUMBER"),
            "repositoryUrl", env -> env.get("GITHUB_REPOSITORY").map(repository ->
                    env.get("GITHUB_SERVER_URL").orElse("https://github.com") + "/" + repository))),
    /** https://circleci.com/docs/reference/variables/; {@code << pipeline.number >>} has no variable. */
    CIRCLECI(Map.of(
            "commit", env -> env.get("CIRCLE_SHA1"),
            "branch", env -> env.get("CIRCLE_BRANCH").or(() -> env.get("CIRCLE_TAG")),
            "buildNumber", env -> env.get("CIRCLE_BUILD_NUM"),
            "repositoryUrl", env -> env.get("CIRCLE_REPOSITORY_URL").map(RunValues::browsable))),
    /** https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html */
    CODEBUILD(Map.of(
            "commit", env -> env.get("CODEBUILD_RESOLVED_SOURCE_VERSION"),
            "branch", env -> env.get("CODEBUILD_WEBHOOK_HEAD_REF").map(RunValues::refName),
            "buildNumber", env -> env.get("CODEBUILD_BUILD_NUMBER"),
            "pipelineNumber", env -> env.get("CODEBUILD_BUILD_NUMBER"),
            "repositoryUrl", env -> env.get("CODEBUILD_SOURCE_REPO_URL").map(RunValues::browsable))),
    /** A terminal or another CI: only what {@code ECRFLOW_<NAME>} says. */
    PLAIN(Map.of());

    public static final String COMMIT = "commit";
    public static final String SHORT_COMMIT = "shortCommit";
    public static final String BRANCH = "branch";
    public static final String BUILD_NUMBER = "buildNumber";
    public static final String PIPELINE_NUMBER = "pipelineNumber";
    public static final String REPOSITORY_URL = "repositoryUrl";
    /** Every name, in the order the docs list them. */
    public static final List<String> NAMES = List.of(COMMIT, SHORT_COMMIT, BRANCH, BUILD_NUMBER, PIPELINE_NUMBER, REPOSITORY_URL);

    private static final int SHORT_COMMIT_LENGTH = 8;

    private final Map<String, Function<Environment, Optional<String>>> sources;

    RunValues(Map<String, Function<Environment, Optional<String>>> sources) {
        this.sources = sources;
    }

    /** A run value by its common name, or any other pipeline variable by its own name; empty when unset. */
    public Optional<String> lookup(String name, Environment environment) {
        if (name.equals(SHORT_COMMIT)) {
            return lookup(COMMIT, environment).map(commit -> commit.substring(0, Math.min(SHORT_COMMIT_LENGTH, commit.length())));
        }
        if (!NAMES.contains(name)) {
            return environment.variable(name);
        }
        return sources.getOrDefault(name, env -> Optional.empty()).apply(environment)
                .or(() -> environment.get(fallbackVariable(name)))
                .map(String::trim)
                .filter(value -> !value.isEmpty());
    }

    /** The environment variable that gives a run value where the CI does not: {@code ECRFLOW_PIPELINE_NUMBER}. */
    public static String fallbackVariable(String name) {
        return "ECRFLOW_" + snakeCase(name);
    }

    /** {@code pipelineNumber} as {@code PIPELINE_NUMBER}. */
    static String snakeCase(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** {@code refs/heads/main} as {@code main}: CodeBuild's webhook variables carry the whole ref. */
    private static String refName(String ref) {
        return ref.replaceFirst("^refs/(heads|tags)/", "");
    }

    /** An SSH clone URL ({@code git@github.com:team/web.git}) as the web address a label should point to. */
    private static String browsable(String url) {
        String https = url.replaceFirst("^[A-Za-z0-9._-]+@([^:/]+):(?!\\d+/)", "https://$1/");
        return https.endsWith(".git") ? https.substring(0, https.length() - ".git".length()) : https;
    }
}
