package io.ecrflow.platform;

import io.ecrflow.registry.Digest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionSummaryTest {
    private static final Digest BASE = Digest.parse("sha256:" + "a".repeat(64));

    @Test
    void saysWhatWasDecidedWhyAndOnWhichBase() {
        assertThat(DecisionSummary.markdown(true, "the base image changed upstream", "6.0-1.3.0", "mcr.example/dotnet/runtime:6.0", BASE))
                .contains("| Decision | new version `6.0-1.3.0` |")
                .contains("| Why | the base image changed upstream |")
                .contains("| Base digest | `sha256:" + "a".repeat(64) + "` |");
        assertThat(DecisionSummary.markdown(false, "the base is unchanged", "6.0-1.2.0", "runtime", BASE))
                .contains("| Decision | no new version (`6.0-1.2.0` stays) |");
    }

    @Test
    void aReasonOrBaseNameFromOutsideShowsAsPlainText() {
        String markdown = DecisionSummary.markdown(true, "see [here](https://evil.example/) | x", "1.0.0", "base*bold*", BASE);

        assertThat(markdown).contains("\\[here\\]\\(https://evil.example/\\) \\| x").contains("base\\*bold\\*");
    }
}
