package io.ecrflow.platform;

import io.ecrflow.UserError;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionTagsTest {
    private final VersionTags tags = VersionTags.withPrefix("6.0-bullseye-slim");

    private static List<Tag> of(String... values) {
        return Stream.of(values).map(Tag::of).toList();
    }

    @Test
    void aVersionTagIsThePrefixADashAndTheVersion() {
        assertThat(tags.tagOf(new Version(1, 4, 0))).hasToString("6.0-bullseye-slim-1.4.0");
        assertThat(VersionTags.withPrefix("").tagOf(Version.FIRST)).hasToString("1.0.0");
    }

    @Test
    void theHighestVersionWinsByVersionOrderNotByListOrderOrText() {
        List<Tag> repository = of("latest", "6.0", "6.0-bullseye-slim-1.9.0", "6.0-bullseye-slim-1.10.0",
                "6.0-bullseye-slim-1.2.0", "20261123.4");

        assertThat(tags.highest(repository)).contains(new Version(1, 10, 0));
    }

    @Test
    void tagsOfOtherPrefixesOrWithoutAVersionAreIgnored() {
        List<Tag> repository = of("6.0-bullseye-slim", "6.0-bullseye-slim-arm64-3.0.0", "7.0-bullseye-slim-9.0.0",
                "6.0-2.0.0", "6.0-bullseye-slim-1.0.0", "6.0-bullseye-slim-1.1");

        assertThat(tags.highest(repository)).contains(Version.FIRST);
        assertThat(tags.highest(of("latest", "6.0"))).isEmpty();
    }

    @Test
    void withoutAPrefixOnlyPlainVersionsCount() {
        assertThat(VersionTags.withPrefix(" ").highest(of("2.0.0", "6.0-bullseye-slim-9.0.0", "latest")))
                .contains(new Version(2, 0, 0));
    }

    @Test
    void aPrefixThatCannotStartATagIsRefused() {
        assertThatThrownBy(() -> VersionTags.withPrefix("6.0 bullseye")).isInstanceOf(UserError.class)
                .hasMessageContaining("6.0 bullseye");
        assertThatThrownBy(() -> VersionTags.withPrefix("6.0-")).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> VersionTags.withPrefix("x".repeat(120))).isInstanceOf(UserError.class);
    }
}
