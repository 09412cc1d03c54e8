package io.ecrflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            "repositoryUrl", env -> env.variable("Build.Repository.Uri"),
            "gitTag", env -> env.variable("Build.SourceBranch").flatMap(ref -> under(ref, "refs/tags/")),
            // a GitHub repository's pull request has a number; Azure Repos' has only an id
            "pullRequest", env -> env.variable("System.PullRequest.PullRequestNumber")
                    .or(() -> env.variable("System.PullRequest.PullRequestId")),
            "branchRef", env -> env.variable("Build.SourceBranch").flatMap(ref -> under(ref, "refs/heads/")))),
    /** https://docs.github.com/actions/reference/variables-reference; a pull request's branch is GITHUB_HEAD_REF. */
    GITHUB(Map.of(
            "commit", env -> env.get("GITHUB_SHA"),
            "branch", env -> env.get("GITHUB_HEAD_REF").or(() -> env.get("GITHUB_REF_NAME")),
            "buildNumber", env -> env.get("GITHUB_RUN_NUMBER"),
            "pipelineNumber", env -> env.get("GITHUB_RUN_NUMBER"),
            "repositoryUrl", env -> env.get("GITHUB_REPOSITORY").map(repository ->
                    env.get("GITHUB_SERVER_URL").orElse("https://github.com") + "/" + repository),
            "gitTag", env -> env.get("GITHUB_REF").flatMap(ref -> under(ref, "refs/tags/")),
            "pullRequest", env -> env.get("GITHUB_REF").flatMap(ref -> group(PullRequests.REF, ref)),
            "branchRef", env -> env.get("GITHUB_REF").flatMap(ref -> under(ref, "refs/heads/")),
            "defaultBranch", RunValues::gitHubDefaultBranch)),
    /** https://circleci.com/docs/reference/variables/; {@code << pipeline.number >>} has no variable. */
    CIRCLECI(Map.of(
            "commit", env -> env.get("CIRCLE_SHA1"),
            "branch", env -> env.get("CIRCLE_BRANCH").or(() -> env.get("CIRCLE_TAG")),
            "buildNumber", env -> env.get("CIRCLE_BUILD_NUM"),
            "repositoryUrl", env -> env.get("CIRCLE_REPOSITORY_URL").map(RunValues::browsable),
            "gitTag", env -> env.get("CIRCLE_TAG"),
            "pullRequest", env -> env.get("CIRCLE_PR_NUMBER")
                    .or(() -> env.get("CIRCLE_PULL_REQUEST").flatMap(url -> group(PullRequests.URL, url))),
            "branchRef", env -> env.get("CIRCLE_BRANCH"))),
    /** https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html */
    CODEBUILD(Map.of(
            "commit", env -> env.get("CODEBUILD_RESOLVED_SOURCE_VERSION"),
            "branch", env -> env.get("CODEBUILD_WEBHOOK_HEAD_REF").map(RunValues::refName),
            "buildNumber", env -> env.get("CODEBUILD_BUILD_NUMBER"),
            "pipelineNumber", env -> env.get("CODEBUILD_BUILD_NUMBER"),
            "repositoryUrl", env -> env.get("CODEBUILD_SOURCE_REPO_URL").map(RunValues::browsable),
            "gitTag", env -> env.get("CODEBUILD_WEBHOOK_TRIGGER").flatMap(trigger -> under(trigger, "tag/")),
            "pullRequest", env -> env.get("CODEBUILD_WEBHOOK_TRIGGER").flatMap(trigger -> under(trigger, "pr/")),
            "branchRef", env -> env.get("CODEBUILD_WEBHOOK_TRIGGER").flatMap(trigger -> under(trigger, "branch/")))),
    /** A terminal or another CI: only what {@code ECRFLOW_<NAME>} says. */
    PLAIN(Map.of());

    public static final String COMMIT = "commit";
    public static final String SHORT_COMMIT = "shortCommit";
    public static final String BRANCH = "branch";
    public static final String BUILD_NUMBER = "buildNumber";
    public static final String PIPELINE_NUMBER = "pipelineNumber";
    public static final String REPOSITORY_URL = "repositoryUrl";
    /** The git tag a release run builds ({@code v1.2.3}), the pull request's number, the repository's default branch. */
    public static final String GIT_TAG = "gitTag";
    public static final String PULL_REQUEST = "pullRequest";
    public static final String DEFAULT_BRANCH = "defaultBranch";
    /** The release's version ({@code 1.2.3}), its {@code 1.2} and its {@code 1}: see {@link ReleaseVersion}. */
    public static final String SEMVER = "semver";
    public static final String SEMVER_MINOR = "semver.minor";
    public static final String SEMVER_MAJOR = "semver.major";
    /** {@code latest}, on a run of the default branch only. */
    public static final String LATEST = "latest";
    /** Every name, in the order the docs list them. */
    public static final List<String> NAMES = List.of(COMMIT, SHORT_COMMIT, BRANCH, BUILD_NUMBER, PIPELINE_NUMBER, REPOSITORY_URL,
            GIT_TAG, PULL_REQUEST, DEFAULT_BRANCH);
    /**
     * Names that fit some runs only (a release, a pull request, the default branch): a tag template using one is left
     * out of a run where it has no value, where another variable would be an error.
     */
    public static final List<String> CONDITIONAL = List.of(SEMVER, SEMVER_MINOR, SEMVER_MAJOR, PULL_REQUEST, LATEST);
    /** The branch a run builds, whole ({@code feature/login}), where the CI says it: only to find the default branch's runs. */
    private static final String BRANCH_REF = "branchRef";
    /** A repository whose default branch the CI does not say is taken to use Git's and the hosts' default. */
    private static final String USUAL_DEFAULT_BRANCH = "main";

    private static final int SHORT_COMMIT_LENGTH = 8;

    private final Map<String, Function<Environment, Optional<String>>> sources;

    RunValues(Map<String, Function<Environment, Optional<String>>> sources) {
        this.sources = sources;
    }

    /** A run value by its common name, or any other pipeline variable by its own name; empty when unset. */
    public Optional<String> lookup(String name, Environment environment) {
        Optional<ReleaseVersion> release = switch (name) {
            case SEMVER, SEMVER_MINOR, SEMVER_MAJOR -> lookup(GIT_TAG, environment).flatMap(ReleaseVersion::of);
            default -> Optional.empty();
        };
        switch (name) {
            case SEMVER:
                return release.map(ReleaseVersion::full);
            case SEMVER_MINOR:
                return release.flatMap(ReleaseVersion::majorMinor);
            case SEMVER_MAJOR:
                return release.flatMap(ReleaseVersion::majorOnly);
            case LATEST:
                return onDefaultBranch(environment) ? Optional.of(LATEST) : Optional.empty();
            default:
                break;
        }
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

    /**
     * A run of the default branch: not a release's tag, not a pull request, and the branch the CI names is the
     * default branch ({@code defaultBranch}: GitHub's event says it; elsewhere {@code ECRFLOW_DEFAULT_BRANCH}, else
     * {@value #USUAL_DEFAULT_BRANCH}).
     */
    private boolean onDefaultBranch(Environment environment) {
        if (lookup(GIT_TAG, environment).isPresent() || lookup(PULL_REQUEST, environment).isPresent()) {
            return false;
        }
        String defaultBranch = lookup(DEFAULT_BRANCH, environment).orElse(USUAL_DEFAULT_BRANCH);
        return sources.getOrDefault(BRANCH_REF, env -> env.get(fallbackVariable(BRANCH))).apply(environment)
                .map(String::trim).filter(defaultBranch::equals).isPresent();
    }

    private static Optional<String> under(String ref, String prefix) {
        return ref.startsWith(prefix) && ref.length() > prefix.length()
                ? Optional.of(ref.substring(prefix.length())) : Optional.empty();
    }

    /** A pull request's number in GitHub's ref of it, and in its web address. */
    private static final class PullRequests {
        static final Pattern REF = Pattern.compile("refs/pull/(\\d+)/(?:merge|head)");
        static final Pattern URL = Pattern.compile(".*/pull/(\\d+)/?");
    }

    private static Optional<String> group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text.trim());
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** GitHub names the default branch only in the event that started the run ({@code repository.default_branch}). */
    private static Optional<String> gitHubDefaultBranch(Environment env) {
        return env.get("GITHUB_EVENT_PATH").flatMap(path -> {
            try {
                JsonNode event = new ObjectMapper().readTree(Files.readString(Path.of(path)));
                return Optional.of(event.path("repository").path("default_branch").asText()).filter(b -> !b.isEmpty());
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty();
            }
        });
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
