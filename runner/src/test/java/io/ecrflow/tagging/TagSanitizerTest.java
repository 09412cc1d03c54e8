package io.ecrflow.tagging;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagSanitizerTest {

    private static String sanitize(String expanded) {
        return TagSanitizer.sanitize(expanded, TagTemplate.parse("$(Build.SourceBranchName)")).value();
    }

    @Test
    void keepsAValidTag() {
        assertThat(sanitize("v1.2.3_rc-1")).isEqualTo("v1.2.3_rc-1");
    }

    @Test
    void turnsABranchPathIntoATag() {
        assertThat(sanitize("feature/Login")).isEqualTo("feature-login");
    }

    @Test
    void lowerCases() {
        assertThat(sanitize("Release")).isEqualTo("release");
    }

    @Test
    void replacesEveryOtherCharacterWithADash() {
        assertThat(sanitize("fix: a+b@c")).isEqualTo("fix-a-b-c");
    }

    @Test
    void collapsesRepeatedDashes() {
        assertThat(sanitize("a//b---c")).isEqualTo("a-b-c");
    }

    @Test
    void trimsLeadingDotsAndDashes() {
        assertThat(sanitize(".-/hidden")).isEqualTo("hidden");
    }

    @Test
    void cutsToTheLongestTagARegistryAccepts() {
        String tag = sanitize("x".repeat(200));

        assertThat(tag).hasSize(128);
    }

    @Test
    void namesTheTemplateWhenNothingIsLeft() {
        assertThatThrownBy(() -> TagSanitizer.sanitize("//", TagTemplate.parse("$(My.Branch)")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Tag template '$(My.Branch)' gives '//'");
    }
}
