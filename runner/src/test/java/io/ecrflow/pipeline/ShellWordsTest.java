package io.ecrflow.pipeline;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShellWordsTest {

    @Test
    void blanksSeparateWordsAndQuotesKeepThemTogether() {
        assertThat(ShellWords.split("  42@main   baseTag=6.0\tnote='new base'  ", "x"))
                .containsExactly("42@main", "baseTag=6.0", "note=new base");
        assertThat(ShellWords.split("a\"b c\"d 'e''f' \"\"", "x")).containsExactly("ab cd", "ef", "");
    }

    @Test
    void singleQuotesKeepEverythingDoubleQuotesAllButTheirFourEscapes() {
        assertThat(ShellWords.split("'a\\b \"c\" $d'", "x")).containsExactly("a\\b \"c\" $d");
        assertThat(ShellWords.split("\"a\\\"b \\\\ \\$c \\n\"", "x")).containsExactly("a\"b \\ $c \\n");
        assertThat(ShellWords.split("a\\ b \\'c", "x")).containsExactly("a b", "'c");
    }

    @Test
    void whatQuotedWritesSplitReadsBack() {
        for (String value : List.of("plain", "with space", "it's", "a\"b", "back\\slash", "")) {
            assertThat(ShellWords.split(ShellWords.quoted(value), "x")).containsExactly(value);
        }
    }

    @Test
    void anOpenQuoteOrATrailingBackslashIsRefusedNamingTheInput() {
        assertThatThrownBy(() -> ShellWords.split("note='open", "dependents")).isInstanceOf(UserError.class)
                .hasMessageContaining("opens a ' quote that is never closed").hasMessageContaining("input 'dependents'");
        assertThatThrownBy(() -> ShellWords.split("a \"b", "dependents")).hasMessageContaining("opens a \" quote");
        assertThatThrownBy(() -> ShellWords.split("a\\", "dependents")).hasMessageContaining("ends in a backslash");
    }
}
