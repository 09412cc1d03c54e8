package io.ecrflow.platform;

import io.ecrflow.registry.Digest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The update decision compares digests, never dates. */
class BaseImageWatcherTest {
    private static final Digest OLD = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    private static final String RUNTIME = "mcr.microsoft.com/dotnet/runtime:6.0-bullseye-slim";

    @Test
    void theSameDigestMeansNoUpdate() {
        UpdateDecision decision = BaseImageWatcher.decide(Optional.of(new BaseLabels(RUNTIME, OLD)), new BaseLabels(RUNTIME, OLD));

        assertThat(decision.update()).isFalse();
        assertThat(decision.reason()).contains("not changed");
    }

    @Test
    void aNewDigestUpstreamMeansAnUpdate() {
        UpdateDecision decision = BaseImageWatcher.decide(Optional.of(new BaseLabels(RUNTIME, OLD)), new BaseLabels(RUNTIME, NEW));

        assertThat(decision.update()).isTrue();
        assertThat(decision.reason()).contains("updated upstream");
    }

    @Test
    void anotherBaseImageMeansAnUpdateEvenWithTheSameDigest() {
        UpdateDecision decision = BaseImageWatcher.decide(
                Optional.of(new BaseLabels("mcr.microsoft.com/dotnet/runtime:6.0", OLD)), new BaseLabels(RUNTIME, OLD));

        assertThat(decision.update()).isTrue();
        assertThat(decision.reason()).contains("changed from mcr.microsoft.com/dotnet/runtime:6.0");
    }

    @Test
    void anImageWithoutBaseLabelsIsUpdatedSoThatItGetsThem() {
        UpdateDecision decision = BaseImageWatcher.decide(BaseLabels.from(Map.of("maintainer", "platform team")),
                new BaseLabels(RUNTIME, NEW));

        assertThat(decision.update()).isTrue();
        assertThat(decision.reason()).contains(BaseLabels.DIGEST);
    }

    @Test
    void labelsRoundTripAndAMalformedDigestCountsAsMissing() {
        BaseLabels labels = new BaseLabels(RUNTIME, NEW);
        assertThat(BaseLabels.from(labels.asLabels())).contains(labels);
        assertThat(BaseLabels.from(Map.of(BaseLabels.NAME, RUNTIME, BaseLabels.DIGEST, "yesterday"))).isEmpty();
    }
}
