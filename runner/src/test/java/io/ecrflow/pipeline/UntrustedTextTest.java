package io.ecrflow.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTextTest {

    /**
     * How the CIs search a line: the agent finds "##vso" anywhere, GitHub "##[" anywhere and "::" at the
     * trimmed start, all with .NET's culture-sensitive search, which passes over format and control
     * characters. Written apart from {@link UntrustedText} so the two cannot share a blind spot.
     */
    private static boolean aCiFindsACommandIn(String line) {
        StringBuilder seen = new StringBuilder();
        line.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.CONTROL)
                .forEach(seen::appendCodePoint);
        String text = seen.toString();
        return text.toLowerCase().contains("##vso") || text.contains("##[") || text.strip().startsWith("::");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "##vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil",
            "#5 0.250 ##vso[task.prependpath]/tmp/evil",
            "#6 [2/2] RUN echo '##vso[task.complete result=Succeeded]done'",
            "###vso[task.setvariable variable=PATH]/evil",
            "##VSO[task.setvariable variable=x]y",
            "##\u200Bvso[task.setvariable variable=PATH]/evil",
            "#\u00AD#vso[task.setvariable variable=PATH]/evil",
            "#\u0007#\u001Bvso[task.complete result=Failed]",
            "::add-mask::sha256",
            "   ::set-output name=digest::sha256:evil",
            "\t\u2003::stop-commands::hostile",
            "\u200B::warning::fake",
            ":\u200B:error::fake",
            "x ##[set-output name=digest;]sha256:evil",
            "####[group]fake",
            "##vso[a] ##vso[b] ##[c]"
    })
    void noCommandSurvives(String hostile) {
        assertThat(aCiFindsACommandIn(hostile)).as("the CI would act on the input itself").isTrue();

        String neutralised = UntrustedText.neutralised(hostile);

        assertThat(aCiFindsACommandIn(neutralised)).as(neutralised).isFalse();
    }

    @Test
    void theHostileTextStaysReadableWithAMarkerInsideEachPrefix() {
        assertThat(UntrustedText.neutralised("#5 0.250 ##vso[task.setvariable variable=imageDigest]sha256:evil"))
                .isEqualTo("#5 0.250 #\\#vso[task.setvariable variable=imageDigest]sha256:evil");
        assertThat(UntrustedText.neutralised("  ::add-mask::x")).isEqualTo("  :\\:add-mask::x");
        assertThat(UntrustedText.neutralised("see ##[group]x")).isEqualTo("see #\\#[group]x");
        // the hidden character stays where it was; the marker goes before the '#' that completes the prefix
        assertThat(UntrustedText.neutralised("##\u200Bvso[x]")).isEqualTo("#\\#\u200Bvso[x]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "#5 [2/3] RUN make",
            "#7 DONE 0.3s",
            "Step 2/4 : COPY busybox /bin/busybox",
            "a::b and std::vector",
            "C# ## notes # 1",
            "sha256:0123456789abcdef",
            "",
            "   "
    })
    void ordinaryOutputIsLeftAsItIs(String line) {
        assertThat(UntrustedText.neutralised(line)).isEqualTo(line);
    }

    @Test
    void everyLineOfALongerTextIsNeutralisedAndItsBreaksKept() {
        String text = "first\n::add-mask::x\r\n##vso[task.complete]\rlast ##[error]";

        assertThat(UntrustedText.neutralised(text)).isEqualTo("first\n:\\:add-mask::x\r\n#\\#vso[task.complete]\rlast #\\#[error]");
    }

    @Test
    void splitsLinesWhereTheAgentsDoIncludingALoneCarriageReturn() {
        assertThat(UntrustedText.lines("a\r\nb\rc\nd\n")).containsExactly("a", "b", "c", "d");
        assertThat(UntrustedText.lines("")).containsExactly("");
        assertThat(UntrustedText.lines("one")).containsExactly("one");
        assertThat(UntrustedText.lines("a\n\nb")).containsExactly("a", "", "b");
    }

    @Test
    void aLoneCarriageReturnCannotStartAHiddenLine() {
        List<String> lines = UntrustedText.lines("progress 10%\r::add-mask::secret");

        assertThat(lines).hasSize(2);
        assertThat(lines).map(UntrustedText::neutralised).noneMatch(UntrustedTextTest::aCiFindsACommandIn);
    }

    @Test
    void nullAndEmptyPassThrough() {
        assertThat(UntrustedText.neutralised(null)).isNull();
        assertThat(UntrustedText.neutralised("")).isEmpty();
    }
}
