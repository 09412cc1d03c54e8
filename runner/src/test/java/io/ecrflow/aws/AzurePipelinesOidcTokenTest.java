package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is missing outside an Azure Pipelines job, or without the job's token, is said before any request. */
class AzurePipelinesOidcTokenTest {

    @Test
    void outsideAzurePipelinesTheMissingRequestUriIsExplained() {
        AzurePipelinesOidcToken token = new AzurePipelinesOidcToken("7c3e1f0a", Environment.of(Map.of("SYSTEM_ACCESSTOKEN", "t")));

        assertThatThrownBy(token::fetch).isInstanceOf(UserError.class)
                .hasMessageContaining("Service connection 7c3e1f0a uses workload identity federation")
                .hasMessageContaining("System.OidcRequestUri")
                .hasMessageContaining("webIdentityTokenFile");
    }

    @Test
    void withoutTheJobsAccessTokenTheStepSaysHowToMapIt() {
        AzurePipelinesOidcToken token = new AzurePipelinesOidcToken("7c3e1f0a",
                Environment.of(Map.of("SYSTEM_OIDCREQUESTURI", "https://dev.azure.com/x/_apis/oidctoken")));

        assertThatThrownBy(token::fetch).isInstanceOf(UserError.class)
                .hasMessageContaining("needs the job's access token")
                .hasMessageContaining("SYSTEM_ACCESSTOKEN: $(System.AccessToken)")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("oidcServiceConnectionId"));
    }

    @Test
    void itIsNamedAfterTheServiceConnection() {
        assertThat(new AzurePipelinesOidcToken("7c3e1f0a", Environment.of(Map.of())).describe())
                .isEqualTo("the OIDC token of service connection 7c3e1f0a");
    }
}
