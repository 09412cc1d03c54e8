package io.ecrflow.http;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {
    @Test
    void withoutProxyVariablesNothingChanges() {
        ProxySettings settings = ProxySettings.from(Environment.of(Map.of("PATH", "/usr/bin")));

        assertThat(settings.any()).isFalse();
        assertThat(settings.systemProperties()).isEmpty();
        assertThat(settings.describe()).isEmpty();
    }

    @Test
    void httpsAndHttpProxiesWithNoProxyBecomeTheJdksPropertiesAndLoopbackStaysDirect() {
        ProxySettings settings = ProxySettings.from(Environment.of(Map.of(
                "https_proxy", "http://proxy.example.com:3128",
                "HTTP_PROXY", "proxy.example.com:8080",
                "NO_PROXY", ".internal.example.com, registry.example.org,10.0.0.0/8")));

        assertThat(settings.systemProperties())
                .containsEntry("https.proxyHost", "proxy.example.com").containsEntry("https.proxyPort", "3128")
                .containsEntry("http.proxyHost", "proxy.example.com").containsEntry("http.proxyPort", "8080")
                .containsEntry("http.nonProxyHosts",
                        "localhost|127.*|[::1]|0.0.0.0|*.internal.example.com|registry.example.org|*.registry.example.org");
        assertThat(settings.describe()).hasValueSatisfying(line -> assertThat(line)
                .contains("HTTPS through proxy.example.com:3128 (HTTPS_PROXY)").contains("direct: localhost"));
    }

    @Test
    void credentialsInTheUrlAreKeptForTheProxyAndNeverDescribed() {
        ProxySettings settings = ProxySettings.from(Environment.of(Map.of(
                "HTTPS_PROXY", "http://ci%40corp:s3cr%3At@proxy.example.com:3128")));

        assertThat(settings.secrets()).containsExactly(Secret.of("s3cr:t"));
        assertThat(settings.describe()).hasValueSatisfying(line -> assertThat(line).doesNotContain("s3cr").doesNotContain("ci@corp"));
        assertThat(settings.systemProperties()).doesNotContainKey("http.proxyHost");
    }

    @Test
    void theAgentsProxyServesWhenNoProxyVariableIsSet() {
        ProxySettings settings = ProxySettings.from(Environment.of(Map.of(
                "AGENT_PROXYURL", "http://agent-proxy.example.com:8888",
                "AGENT_PROXYUSERNAME", "builder",
                "AGENT_PROXYPASSWORD", "agent-secret",
                "AGENT_PROXYBYPASSLIST", "[\"github\\\\.com\", \".*\\\\.corp\\\\.example\\\\.com\", \"(a|b)\\\\.example\"]")));

        assertThat(settings.systemProperties())
                .containsEntry("https.proxyHost", "agent-proxy.example.com").containsEntry("https.proxyPort", "8888")
                .containsEntry("http.proxyHost", "agent-proxy.example.com")
                .containsEntry("http.nonProxyHosts", "localhost|127.*|[::1]|0.0.0.0|github.com|*.corp.example.com");
        assertThat(settings.secrets()).containsExactly(Secret.of("agent-secret"));
    }

    @Test
    void aValueThatIsNoProxyUrlNamesTheVariableButNotTheValue() {
        assertThatThrownBy(() -> ProxySettings.from(Environment.of(Map.of("HTTPS_PROXY", "ftp://user:pw@proxy:21"))))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("HTTPS_PROXY is not a proxy URL")
                .hasMessageNotContaining("pw");
    }
}
