package io.ecrflow.tagging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ListInputTest {

    @Test
    void splitsOnCommas() {
        assertThat(ListInput.split("a,b,c")).containsExactly("a", "b", "c");
    }

    @Test
    void splitsOnNewLinesOfAnyKind() {
        assertThat(ListInput.split("a\nb\r\nc\r")).containsExactly("a", "b", "c");
    }

    @Test
    void trimsItemsAndDropsBlankOnes() {
        assertThat(ListInput.split(" a , ,\n\n  b  ,")).containsExactly("a", "b");
    }

    @Test
    void givesNothingForNothing() {
        assertThat(ListInput.split((String) null)).isEmpty();
        assertThat(ListInput.split("  \n ")).isEmpty();
    }

    @Test
    void splitsEveryValueOfARepeatedOption() {
        assertThat(ListInput.split(List.of("a,b", "c\nd"))).containsExactly("a", "b", "c", "d");
    }
}
