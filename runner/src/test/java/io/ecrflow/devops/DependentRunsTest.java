package io.ecrflow.devops;

import io.ecrflow.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class DependentRunsTest {
    private final Pipeline pipeline = mock(Pipeline.class);

    /** Azure DevOps at the seam: lists two pipelines, queues any but those it is told to refuse. */
    private static final class Project implements AzureDevOps {
        final List<Integer> refused = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public String project() {
            return "Platform Team";
        }

        @Override
        public List<DefinedPipeline> pipelines() {
            calls.add("list");
            return List.of(new DefinedPipeline(42, "web-shop", "\\Apps"), new DefinedPipeline(57, "orders-api", "\\"));
        }

        @Override
        public QueuedRun runPipeline(int pipelineId, Optional<String> refName, Map<String, String> templateParameters) {
            calls.add("run " + pipelineId + " " + refName.orElse("default") + " " + templateParameters);
            if (refused.contains(pipelineId)) {
                throw new DevOpsFailure("Refused " + pipelineId + ".", "dependents");
            }
            return new QueuedRun(pipelineId * 100, "p" + pipelineId, "20261201." + pipelineId,
                    URI.create("https://dev.azure.com/contoso/p/_build/results?buildId=" + pipelineId * 100));
        }

        @Override
        public void addBuildTag(String buildId, String tag) {
            throw new UnsupportedOperationException("dependents never tag the run");
        }

        @Override
        public void attach(StepRecord step, String type, String name, byte[] content) {
            throw new UnsupportedOperationException("dependents attach nothing");
        }
    }

    private static Dependents dependents(boolean fatal, String... lines) {
        return new Dependents(Dependent.parseAll(List.of(lines)), fatal);
    }

    @Test
    void namesAreLookedUpOnceAndEachLineIsQueuedAsWritten() {
        Project project = new Project();

        DependentRuns.Outcome outcome = new DependentRuns(pipeline, Optional.of(project))
                .queue(dependents(false, "web-shop@main a=1", "42", "orders-api"));

        assertThat(project.calls).containsExactly("list", "run 42 refs/heads/main {a=1}", "run 42 default {}",
                "run 57 default {}");
        assertThat(outcome.runs()).extracting(QueuedRun::id).containsExactly(4200, 4200, 5700);
        assertThat(outcome.failure()).isEmpty();
    }

    @Test
    void withoutDependentsAzureDevOpsIsNeverNeeded() {
        assertThat(DependentRuns.none(pipeline).queue(Dependents.NONE).runs()).isEmpty();
    }

    @Test
    void aRefusalIsAWarningAndTheOthersAreStillQueued() {
        Project project = new Project();
        project.refused.add(42);

        DependentRuns.Outcome outcome = new DependentRuns(pipeline, Optional.of(project)).queue(dependents(false, "42", "57"));

        assertThat(outcome.runs()).extracting(QueuedRun::id).containsExactly(5700);
        assertThat(outcome.failure()).isEmpty();
        verify(pipeline).warning("Dependent pipeline 42 was not queued. Refused 42. The image was published; set "
                + "dependentsFatal to fail the run on this.");
    }

    @Test
    void withFatalEveryLineIsStillTriedAndOneFailureSaysWhatWasAndWasNotQueued() {
        Project project = new Project();
        project.refused.add(42);

        DependentRuns.Outcome outcome = new DependentRuns(pipeline, Optional.of(project))
                .queue(dependents(true, "42", "nothing-like-it", "57"));

        assertThat(outcome.runs()).extracting(QueuedRun::id).containsExactly(5700);
        assertThat(outcome.failure()).hasValueSatisfying(failure -> assertThat(failure.getMessage())
                .startsWith("2 of 3 dependent pipelines were not queued. Refused 42. Project Platform Team has no pipeline "
                        + "named 'nothing-like-it'")
                .endsWith("The image itself was published and 1 queued; dependentsFatal makes this a failure."));
        verify(pipeline, never()).warning(anyString());
    }

    @Test
    void theSummaryLinksEachRunWithTheNamesAsPlainText() {
        String summary = DependentRuns.summary(List.of(new QueuedRun(7, "web_shop [old]", "20261201.7",
                URI.create("https://dev.azure.com/contoso/P%20T/_build/results?buildId=7"))));

        assertThat(summary).isEqualTo("| Dependent pipeline | Run |\n|---|---|\n"
                + "| web\\_shop \\[old\\] | [20261201.7](https://dev.azure.com/contoso/P%20T/_build/results?buildId=7) |\n");
        assertThat(DependentRuns.summary(List.of())).isEmpty();
    }
}
