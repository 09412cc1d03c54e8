package io.ecrflow.testbed.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The names the Java test bed answers under are the ones scripts/lib/test-tls.sh puts in /etc/hosts and the certificate. */
class TestbedNamesTest {

    @Test
    void everyNameTheTestsUseIsInTheScriptsList() throws Exception {
        assertThat(scriptNames()).contains(TestbedNames.registry("123456789012"), TestbedNames.registry("210987654321"),
                TestbedNames.UPSTREAM, TestbedNames.AZURE_DEVOPS);
    }

    @Test
    void aNameThatDoesNotResolveToLoopbackNamesTheScriptToRun() {
        assertThatThrownBy(() -> TestbedNames.requireLoopback(TestbedNames.registry("999999999999")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("999999999999.dkr.ecr.us-east-1.ecrflow.test")
                .hasMessageContaining("ecrflow_testbed_names").hasMessageContaining("scripts/lib/test-tls.sh");
    }

    private static List<String> scriptNames() throws Exception {
        Path script = Path.of("..", "scripts", "lib", "test-tls.sh");
        Matcher list = Pattern.compile("(?s)ECRFLOW_TESTBED_NAMES=\\((.*?)\\)").matcher(Files.readString(script));
        assertThat(list.find()).as("ECRFLOW_TESTBED_NAMES in " + script).isTrue();
        return List.of(list.group(1).trim().split("\\s+"));
    }
}
