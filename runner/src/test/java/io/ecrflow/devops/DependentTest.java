package io.ecrflow.devops;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependentTest {

    @Test
    void anIdWithABranchAndParameters() {
        Dependent dependent = Dependent.parse("42@main baseTag=6.0 'note=new base'");

        assertThat(dependent.id()).isEqualTo(OptionalInt.of(42));
        assertThat(dependent.branch()).contains("main");
        assertThat(dependent.refName()).contains("refs/heads/main");
        assertThat(dependent.parameters()).containsExactly(Map.entry("baseTag", "6.0"), Map.entry("note", "new base"));
        assertThat(dependent.describe()).isEqualTo("42@main baseTag=6.0 note=new base");
    }

    @Test
    void aNameAloneBuildsTheDefaultBranch() {
        Dependent dependent = Dependent.parse("web-shop");

        assertThat(dependent.id()).isEmpty();
        assertThat(dependent.pipeline()).isEqualTo("web-shop");
        assertThat(dependent.refName()).isEmpty();
        assertThat(dependent.parameters()).isEmpty();
    }

    @Test
    void aFullRefNameIsKeptAndANameWithBlanksIsQuoted() {
        Dependent dependent = Dependent.parse("'Apps/Web Shop CI'@refs/tags/v1.2 empty= list=a,b");

        assertThat(dependent.pipeline()).isEqualTo("Apps/Web Shop CI");
        assertThat(dependent.refName()).contains("refs/tags/v1.2");
        assertThat(dependent.parameters()).containsExactly(Map.entry("empty", ""), Map.entry("list", "a,b"));
    }

    @Test
    void digitsWithALeadingZeroOrTooManyAreANameNotAnId() {
        assertThat(Dependent.parse("042").id()).isEmpty();
        assertThat(Dependent.parse("12345678901").id()).isEmpty();
    }

    @Test
    void everyLineIsOnePipelineCommentsAndBlankLinesAside() {
        List<Dependent> dependents = Dependent.parseAll(List.of("42@main\n\n  # the shop\nweb-shop x=1\r\n", "57"));

        assertThat(dependents).extracting(Dependent::pipeline).containsExactly("42", "web-shop", "57");
        assertThat(dependents.get(1).parameters()).containsExactly(Map.entry("x", "1"));
    }

    @Test
    void aLineThatCannotBeReadIsRefusedSayingWhyAndHowToWriteIt() {
        assertThatThrownBy(() -> Dependent.parse("42@main baseTag")).isInstanceOf(UserError.class)
                .hasMessageContaining("The line '42@main baseTag' of input 'dependents' cannot be read: 'baseTag' is not "
                        + "a template parameter written name=value")
                .hasMessageContaining("e.g. 42@main baseTag=6.0")
                .satisfies(e -> assertThat(((UserError) e).input()).isEqualTo(Optional.of("dependents")));
        assertThatThrownBy(() -> Dependent.parse("42@ x=1")).hasMessageContaining("names no branch after the @");
        assertThatThrownBy(() -> Dependent.parse("@main")).hasMessageContaining("names no pipeline before the @");
        assertThatThrownBy(() -> Dependent.parse("42 a=1 a=2")).hasMessageContaining("gives the parameter 'a' twice");
        assertThatThrownBy(() -> Dependent.parse("42 =1")).hasMessageContaining("'=1' is not a template parameter");
        assertThatThrownBy(() -> Dependent.parse("''")).hasMessageContaining("names no pipeline");
    }
}
