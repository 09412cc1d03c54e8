package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.Testbed;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the end-to-end tests share: who signed a run's calls, that secrets show only where they are registered,
 * and what a publication left in the registry and the outputs.
 */
final class RunAssertions {
    private RunAssertions() {
    }

    /** The calls the test bed answered since {@code mark} (a size of {@link Testbed#calls()} taken earlier). */
    static List<ControlPlaneCall> callsSince(Testbed testbed, int mark) {
        List<ControlPlaneCall> calls = testbed.calls();
        return calls.subList(mark, calls.size());
    }

    /** Each secret appears in exactly one line of the output: the one that registers it with the agent. */
    static void onlyRegistered(RunResult result, List<String> secrets) {
        List<String> lines = result.all().lines().toList();
        for (String secret : secrets) {
            assertThat(lines.stream().filter(line -> line.contains(secret)).toList()).as("lines showing a secret")
                    .containsExactly("##vso[task.setsecret]" + secret);
        }
    }

    /**
     * The run published every tag, in this order, on one digest, and its outputs say so: the registry, the first
     * tag's URI, the tags, the image by digest.
     *
     * @return the digest
     */
    static String publishedOnOneDigest(Testbed testbed, RunResult result, String repository, List<String> tagsInOrder) {
        Map<String, String> outputs = result.outputs();
        String registry = testbed.registryHost();
        assertThat(testbed.tagsOf(repository)).containsExactlyInAnyOrderElementsOf(tagsInOrder);
        assertThat(outputs).as(result.toString()).containsEntry("registry", registry)
                .containsEntry("imageUri", registry + "/" + repository + ":" + tagsInOrder.get(0))
                .containsEntry("tags", String.join(",", tagsInOrder));
        String digest = outputs.get("digest");
        assertThat(outputs.get("imageDigest")).isEqualTo(registry + "/" + repository + "@" + digest);
        for (String tag : tagsInOrder) {
            assertThat(testbed.manifestDigest(repository, tag)).as("tag %s", tag).contains(digest);
        }
        return digest;
    }
}
