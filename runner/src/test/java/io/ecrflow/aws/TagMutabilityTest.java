package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.aws.TagMutability.Mode;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagMutabilityTest {

    private static TagMutability of(Mode mode, String... filters) {
        return TagMutability.of(mode, List.of(filters), "tagMutability", "mutabilityExclusions");
    }

    @Test
    void immutableWithExclusionLetsOnlyTheExcludedTagsMove() {
        TagMutability versions = of(Mode.IMMUTABLE_WITH_EXCLUSION, "latest", "6.*");

        assertThat(versions.isImmutable(Tag.of("net6-1.2.0"))).isTrue();
        assertThat(versions.isImmutable(Tag.of("latest"))).isFalse();
        assertThat(versions.isImmutable(Tag.of("6.0"))).isFalse();
        assertThat(versions.isImmutable(Tag.of("latest-arm"))).as("a filter matches the whole tag").isTrue();
        assertThat(versions.isImmutable(Tag.of("60"))).as("'.' is a dot, not any character").isTrue();
    }

    @Test
    void mutableWithExclusionProtectsOnlyTheMatchingTags() {
        TagMutability releases = of(Mode.MUTABLE_WITH_EXCLUSION, "release-*");

        assertThat(releases.isImmutable(Tag.of("release-1.0"))).isTrue();
        assertThat(releases.isImmutable(Tag.of("main"))).isFalse();
        assertThat(releases.protectsAnyTag()).isTrue();
        assertThat(releases.describe()).isEqualTo("mutable except release-*");
    }

    @Test
    void plainModesApplyToEveryTag() {
        assertThat(TagMutability.IMMUTABLE.isImmutable(Tag.of("latest"))).isTrue();
        assertThat(TagMutability.MUTABLE.isImmutable(Tag.of("1.0.0"))).isFalse();
        assertThat(TagMutability.MUTABLE.protectsAnyTag()).isFalse();
    }

    @Test
    void anExclusionModeNeedsFiltersAndAPlainModeTakesNone() {
        assertThatThrownBy(() -> of(Mode.IMMUTABLE_WITH_EXCLUSION)).isInstanceOf(UserError.class)
                .hasMessageContaining("mutabilityExclusions is empty");
        assertThatThrownBy(() -> of(Mode.IMMUTABLE, "latest")).isInstanceOf(UserError.class)
                .hasMessageContaining("IMMUTABLE_WITH_EXCLUSION");
    }

    @Test
    void atMostFiveFiltersOfTagCharactersAndWildcards() {
        assertThatThrownBy(() -> of(Mode.IMMUTABLE_WITH_EXCLUSION, "a", "b", "c", "d", "e", "f"))
                .isInstanceOf(UserError.class).hasMessageContaining("at most 5");
        assertThatThrownBy(() -> of(Mode.IMMUTABLE_WITH_EXCLUSION, "feature/*"))
                .isInstanceOf(UserError.class).hasMessageContaining("'feature/*'");
        assertThat(of(Mode.IMMUTABLE_WITH_EXCLUSION, "a", "b", "c", "d", "e").exclusions()).hasSize(5);
    }
}
