package io.ecrflow.tagging;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagTemplateTest {

    private static final Function<String, Optional<String>> PIPELINE = name -> Optional.ofNullable(Map.of(
            "Build.BuildId", "1234",
            "Build.BuildNumber", "20240102.3",
            "Build.SourceBranchName", "main",
            "Build.SourceVersion", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            "Build.Empty", "").get(name));

    @Test
    void keepsALiteralAsItIs() {
        assertThat(TagTemplate.parse("latest").expand(PIPELINE)).isEqualTo("latest");
    }

    @Test
    void replacesAVariable() {
        assertThat(TagTemplate.parse("$(Build.BuildId)").expand(PIPELINE)).isEqualTo("1234");
    }

    @Test
    void mixesLiteralTextAndVariables() {
        assertThat(TagTemplate.parse("v1-$(Build.BuildNumber)-$(Build.SourceBranchName)").expand(PIPELINE))
                .isEqualTo("v1-20240102.3-main");
    }

    @Test
    void cutsAVariableToTheGivenLength() {
        assertThat(TagTemplate.parse("$(Build.SourceVersion:8)").expand(PIPELINE)).isEqualTo("9f86d081");
    }

    @Test
    void keepsAValueShorterThanTheGivenLengthWhole() {
        assertThat(TagTemplate.parse("$(Build.SourceBranchName:8)").expand(PIPELINE)).isEqualTo("main");
    }

    @Test
    void listsTheVariablesItUses() {
        assertThat(TagTemplate.parse("v1-$(Build.BuildNumber)-$(Build.SourceVersion:8)").variables())
                .containsExactly("Build.BuildNumber", "Build.SourceVersion");
    }

    @Test
    void namesTheTemplateAndTheVariableThatIsNotSet() {
        assertThatThrownBy(() -> TagTemplate.parse("$(Build.Foo)").expand(PIPELINE))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(
                        "Tag template '$(Build.Foo)' uses variable Build.Foo, which is not set in this pipeline")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("tags"));
    }

    @Test
    void treatsAnEmptyVariableAsNotSet() {
        assertThatThrownBy(() -> TagTemplate.parse("x-$(Build.Empty)").expand(PIPELINE))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("uses variable Build.Empty");
    }

    @Test
    void rejectsAReferenceThatIsNotAVariable() {
        assertThatThrownBy(() -> TagTemplate.parse("$(Build.SourceVersion:x)"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Tag template '$(Build.SourceVersion:x)'")
                .hasMessageContaining("$(Variable.Name:8)");
        assertThatThrownBy(() -> TagTemplate.parse("$(Build.SourceVersion:0)")).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> TagTemplate.parse("a-$()")).isInstanceOf(UserError.class);
    }

    @Test
    void rejectsAnUnclosedReference() {
        assertThatThrownBy(() -> TagTemplate.parse("v-$(Build.BuildId"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Tag template 'v-$(Build.BuildId'");
    }

    @Test
    void leavesOtherDollarSignsAlone() {
        assertThat(TagTemplate.parse("cost$5").expand(PIPELINE)).isEqualTo("cost$5");
    }
}
