package io.ecrflow.tagging;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyValuesTest {

    @Test
    void parsesKeyValueItemsInOrder() {
        assertThat(KeyValues.parse(List.of("B=2", "A=1"), "buildArgs")).containsExactly(
                org.assertj.core.api.Assertions.entry("B", "2"), org.assertj.core.api.Assertions.entry("A", "1"));
    }

    @Test
    void keepsEqualsSignsInTheValue() {
        assertThat(KeyValues.parse(List.of("QUERY=a=b&c=d"), "buildArgs")).containsEntry("QUERY", "a=b&c=d");
    }

    @Test
    void allowsAnEmptyValue() {
        assertThat(KeyValues.parse(List.of("EMPTY="), "buildArgs")).containsEntry("EMPTY", "");
    }

    @Test
    void letsALaterItemWinForTheSameKey() {
        assertThat(KeyValues.parse(List.of("A=1", "A=2"), "labels")).containsExactly(
                org.assertj.core.api.Assertions.entry("A", "2"));
    }

    @Test
    void namesTheInputAndTheItemWithoutEquals() {
        assertThatThrownBy(() -> KeyValues.parse(List.of("A=1", "VERSION"), "buildArgs"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input buildArgs has 'VERSION', which is not KEY=value")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("buildArgs"));
    }

    @Test
    void rejectsAnItemWithoutKeyWithoutShowingItsValue() {
        assertThatThrownBy(() -> KeyValues.parse(List.of("=hunter2"), "buildArgs"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input buildArgs")
                .hasMessageNotContaining("hunter2");
    }
}
