package io.ecrflow.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingCommandTest {

    @Test
    void formatsCommandWithPropertiesAndMessage() {
        String line = LoggingCommand.of("task.setvariable")
                .property("variable", "registry")
                .property("isOutput", "true")
                .message("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
                .format();

        assertThat(line).isEqualTo(
                "##vso[task.setvariable variable=registry;isOutput=true;]123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    }

    @Test
    void formatsCommandWithoutProperties() {
        assertThat(LoggingCommand.of("task.setsecret").message("s3cr3t").format()).isEqualTo("##vso[task.setsecret]s3cr3t");
    }

    @Test
    void leavesOutPropertiesWithoutValue() {
        assertThat(LoggingCommand.of("task.logissue").property("type", "error").property("sourcepath", "").format())
                .isEqualTo("##vso[task.logissue type=error;]");
    }

    @Test
    void escapesPercentInPropertyValues() {
        assertThat(LoggingCommand.escapeProperty("100%")).isEqualTo("100%AZP25");
    }

    @Test
    void escapesCarriageReturnInPropertyValues() {
        assertThat(LoggingCommand.escapeProperty("a\rb")).isEqualTo("a%0Db");
    }

    @Test
    void escapesNewLineInPropertyValues() {
        assertThat(LoggingCommand.escapeProperty("a\nb")).isEqualTo("a%0Ab");
    }

    @Test
    void escapesClosingBracketInPropertyValues() {
        assertThat(LoggingCommand.escapeProperty("a]b")).isEqualTo("a%5Db");
    }

    @Test
    void escapesSemicolonInPropertyValues() {
        assertThat(LoggingCommand.escapeProperty("a;b")).isEqualTo("a%3Bb");
    }

    @Test
    void escapesPercentBeforeTheEscapesItAdds() {
        assertThat(LoggingCommand.escapeProperty("%0A\n")).isEqualTo("%AZP250A%0A");
    }

    @Test
    void escapesPercentAndLineBreaksInMessages() {
        assertThat(LoggingCommand.escapeMessage("50%\r\ndone")).isEqualTo("50%AZP25%0D%0Adone");
    }

    @Test
    void keepsBracketsAndSemicolonsInMessagesBecauseTheAgentReadsThemAsData() {
        assertThat(LoggingCommand.escapeMessage("a;b]c")).isEqualTo("a;b]c");
    }

    @Test
    void secretWithEveryAwkwardCharacterStaysOnOneLineAndRoundTrips() {
        String secret = "pa;ss]wo%rd\nline2";

        String asMessage = LoggingCommand.of("task.setsecret").message(secret).format();
        String asProperty = LoggingCommand.of("task.setvariable").property("variable", secret).message("x").format();

        assertThat(asMessage).isEqualTo("##vso[task.setsecret]pa;ss]wo%AZP25rd%0Aline2").doesNotContain("\n");
        assertThat(asProperty).isEqualTo("##vso[task.setvariable variable=pa%3Bss%5Dwo%AZP25rd%0Aline2;]x");
        assertThat(AgentLine.parse(asMessage).message()).isEqualTo(secret);
        assertThat(AgentLine.parse(asProperty).properties()).containsEntry("variable", secret);
    }
}
