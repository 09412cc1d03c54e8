package io.ecrflow.pipeline;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What GitHub Actions would show: its files, and the workflow commands it reads from the log. */
class GitHubPipelineTest {
    private static final Pattern STOP = Pattern.compile("^::stop-commands::(.+)$");

    @TempDir
    Path dir;

    private final CapturedStream out = new CapturedStream();
    private final Map<String, String> env = new HashMap<>(Map.of("GITHUB_ACTIONS", "true"));

    private GitHubPipeline pipeline() {
        return new GitHubPipeline(Environment.of(env), out.stream);
    }

    @Test
    void appendsOutputsToGitHubOutputWithAHeredocForSeveralLines() throws Exception {
        Path file = Files.writeString(dir.resolve("output"), "earlier=1\n");
        env.put("GITHUB_OUTPUT", file.toString());
        GitHubPipeline github = pipeline();

        github.setOutput("imageUri", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
        github.setOutput("tags", "42\nmain");

        String content = Files.readString(file);
        assertThat(content).startsWith("earlier=1\nimageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42\n");
        assertThat(content).matches("(?s).*\ntags<<(ecrflow_[0-9a-f-]+)\n42\nmain\n\\1\n");
        assertThat(out.lines()).contains("imageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42");
    }

    @Test
    void appendsExportedVariablesToGitHubEnv() throws Exception {
        Path file = dir.resolve("env");
        env.put("GITHUB_ENV", file.toString());

        pipeline().exportVariable("DOCKER_CONFIG", "/runner/temp/docker");

        assertThat(Files.readString(file)).isEqualTo("DOCKER_CONFIG=/runner/temp/docker\n");
    }

    @Test
    void masksWithAddMaskFirstAndEveryLineOfAMultiLineSecret() throws Exception {
        Path file = dir.resolve("output");
        env.put("GITHUB_OUTPUT", file.toString());
        GitHubPipeline github = pipeline();

        github.registerSecret(Secret.of("abc-token-123"));
        github.registerSecret(Secret.of("line one\nline%two"));
        github.registerSecret(Secret.of("abc-token-123"));
        github.setOutput("leak", "abc-token-123");
        github.info("token abc-token-123");

        assertThat(out.lines()).containsExactly("::add-mask::abc-token-123", "::add-mask::line one%0Aline%25two",
                "::add-mask::line one", "::add-mask::line%25two", "leak=***", "token ***");
        assertThat(Files.readString(file)).isEqualTo("leak=***\n");
    }

    @Test
    void showsErrorsAndWarningsAsAnnotationsOnOneLineEach() {
        GitHubPipeline github = pipeline();

        github.error("Push refused: 100% of quota\nused");
        github.warning("Repository has mutable tags");

        assertThat(out.lines()).containsExactly("::error::Push refused: 100%25 of quota%0Aused",
                "::warning::Repository has mutable tags");
        assertThat(commandsGitHubRuns()).containsExactly("error", "warning");
    }

    @Test
    void groupsLinesWithATitleThatStaysOnTheGroupsLine() {
        GitHubPipeline github = pipeline();

        github.beginGroup("Build Dockerfile\n::set-env name=PATH::/evil");
        github.info("Step 1/2");
        github.endGroup();

        assertThat(out.lines()).containsExactly("::group::Build Dockerfile ::set-env name=PATH::/evil", "Step 1/2",
                "::endgroup::");
        assertThat(commandsGitHubRuns()).containsExactly("group", "endgroup");
    }

    @Test
    void fencesRelayedOutputWithATokenNoRunCanGuess() {
        GitHubPipeline github = pipeline();

        github.relay("#5 RUN echo\n::add-mask::x\n::set-output name=digest::sha256:evil");
        github.relay("second");

        List<String> lines = out.lines();
        Matcher first = STOP.matcher(lines.get(0));
        Matcher second = STOP.matcher(lines.get(5));
        assertThat(first.matches()).as(lines.get(0)).isTrue();
        assertThat(second.matches()).as(lines.get(5)).isTrue();
        assertThat(first.group(1)).startsWith("ecrflow-").isNotEqualTo(second.group(1));
        assertThat(lines.subList(1, 5)).containsExactly("#5 RUN echo", ":\\:add-mask::x",
                ":\\:set-output name=digest::sha256:evil", "::" + first.group(1) + "::");
        assertThat(commandsGitHubRuns()).containsExactly("stop-commands", "stop-commands");
    }

    @Test
    void writesTheSummaryToTheStepSummaryFile() throws Exception {
        Path file = dir.resolve("summary");
        env.put("GITHUB_STEP_SUMMARY", file.toString());
        GitHubPipeline github = pipeline();
        github.registerSecret(Secret.of("s3cr3t-value"));

        github.summary("### ecrflow\n| Image | `app:42` | s3cr3t-value");
        github.phaseFinished("push", java.time.Duration.ofMillis(1500));
        assertThat(file).as("written when the step completes").doesNotExist();
        github.complete(true, "");

        assertThat(Files.readString(file)).startsWith("### ecrflow\n| Image | `app:42` | ***\n")
                .contains("| Phase | Took |").contains("| push |");
        assertThat(out.lines()).first().isEqualTo("::add-mask::s3cr3t-value");
    }

    @Test
    void showsTheSummaryInTheLogWithoutTheFile() {
        GitHubPipeline github = pipeline();
        github.summary("### ecrflow");
        github.complete(true, "");

        assertThat(out.lines()).containsExactly("### ecrflow", "", "succeeded");
    }

    @Test
    void printsDebugLinesWhenTheRunIsDebugged() {
        pipeline().debug("hidden");
        env.put("RUNNER_DEBUG", "1");
        pipeline().debug("shown\nsecond line");

        assertThat(out.lines()).containsExactly("::debug::shown%0Asecond line");
    }

    @Test
    void fillsRunValuesFromGitHubsVariables() {
        env.putAll(Map.of("GITHUB_SHA", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "GITHUB_REF_NAME", "main",
                "GITHUB_RUN_NUMBER", "31", "GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "example/web"));
        GitHubPipeline github = pipeline();

        assertThat(github.variable("shortCommit")).contains("9f86d081");
        assertThat(github.variable("branch")).contains("main");
        assertThat(github.variable("buildNumber")).contains("31");
        assertThat(github.variable("repositoryUrl")).contains("https://github.com/example/web");
        env.put("GITHUB_HEAD_REF", "feature/login");
        assertThat(pipeline().variable("branch")).as("a pull request's own branch").contains("feature/login");
    }

    @Test
    void explainsAnUnwritableGitHubFile() {
        env.put("GITHUB_OUTPUT", dir.toString());

        assertThatThrownBy(() -> pipeline().setOutput("registry", "r"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("GITHUB_OUTPUT")
                .hasMessageContaining("'registry'");
    }

    @Test
    void usesRunnerTemp() {
        env.put("RUNNER_TEMP", "/runner/temp");

        assertThat(pipeline().tempDirectory()).isEqualTo(Path.of("/runner/temp"));
    }

    /** Workflow commands as GitHub's runner finds them (after ::stop-commands:: nothing until the token). */
    private List<String> commandsGitHubRuns() {
        List<String> commands = new java.util.ArrayList<>();
        String stop = null;
        for (String line : out.lines()) {
            String trimmed = line.strip();
            int end = trimmed.startsWith("::") ? trimmed.indexOf("::", 2) : -1;
            if (end < 0) {
                continue;
            }
            String name = trimmed.substring(2, end).split(" ", 2)[0];
            if (stop != null) {
                if (name.equals(stop)) {
                    stop = null;
                }
                continue;
            }
            if (name.equals("stop-commands")) {
                stop = trimmed.substring(end + 2);
            }
            commands.add(name);
        }
        return commands;
    }
}
