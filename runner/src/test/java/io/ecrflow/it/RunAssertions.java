package io.ecrflow.it;

import io.ecrflow.testbed.ControlPlaneCall;
import io.ecrflow.testbed.Testbed;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the credential tests share: who signed a run's calls, and that secrets show only where they are registered. */
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
}
