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
        assertThatThrownBy(() -> KeyValues.parse(List.of("VERSION", "A=1"), "buildArgs"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input buildArgs has 'VERSION', which is not KEY=value")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("buildArgs"));
    }

    @Test
    void anItemWithoutEqualsAfterAValueIsTheValueCutAtACommaAndIsNeverShown() {
        // buildArgs: TOKEN=hunter2,rest — split at the comma
        assertThatThrownBy(() -> KeyValues.parse(List.of("TOKEN=hunter2", "rest"), "buildArgs"))
                .isInstanceOf(UserError.class)
                .hasMessage("Input buildArgs has an item without '=' after TOKEN=...: a value cannot hold a comma (items "
                        + "are separated by commas and new lines), or the item lacks its =value. Write each item as KEY=value.")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("rest");
    }

    @Test
    void rejectsAnItemWithoutKeyWithoutShowingItsValue() {
        assertThatThrownBy(() -> KeyValues.parse(List.of("=hunter2"), "buildArgs"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input buildArgs")
                .hasMessageNotContaining("hunter2");
    }
}
