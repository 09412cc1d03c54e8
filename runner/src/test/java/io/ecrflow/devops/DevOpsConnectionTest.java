package io.ecrflow.devops;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevOpsConnectionTest {
    private static DevOpsConnection connect(String collection, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("SYSTEM_COLLECTIONURI", collection,
                "SYSTEM_TEAMPROJECT", "Platform Team"));
        env.putAll(more);
        return DevOpsConnection.from(Environment.of(env), "Queueing dependent pipelines", "dependents");
    }

    private static DevOpsConnection connect(String collection) {
        return connect(collection, Map.of("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "job-token"));
    }

    @Test
    void callsGoToTheProjectOfTheCollectionWithTheProjectNameEncoded() {
        DevOpsConnection connection = connect("https://dev.azure.com/contoso");

        assertThat(connection.api("pipelines", "api-version=7.1"))
                .isEqualTo(URI.create("https://dev.azure.com/contoso/Platform%20Team/_apis/pipelines?api-version=7.1"));
        assertThat(connection.token()).isEqualTo(Secret.of("job-token"));
        assertThat(connection.toString()).doesNotContain("job-token");
    }

    @Test
    void theTaskEndpointsTokenComesFirstAScriptsMappedTokenSecond() {
        assertThat(connect("https://dev.azure.com/contoso/", Map.of("SYSTEM_ACCESSTOKEN", "mapped")).token())
                .isEqualTo(Secret.of("mapped"));
        assertThat(connect("https://dev.azure.com/contoso/", Map.of("SYSTEM_ACCESSTOKEN", "mapped",
                "ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "endpoint")).token())
                .isEqualTo(Secret.of("endpoint"));
    }

    @Test
    void theBuildServiceIsNamedAfterTheProjectAndTheOrganization() {
        assertThat(connect("https://dev.azure.com/contoso/").buildService()).isEqualTo("Platform Team Build Service (contoso)");
        assertThat(connect("https://contoso.visualstudio.com/").collectionBuildService())
                .isEqualTo("Project Collection Build Service (contoso)");
        assertThat(connect("https://tfs.example.com/tfs/DefaultCollection/").buildService())
                .isEqualTo("Platform Team Build Service (DefaultCollection)");
    }

    @Test
    void theTokenTravelsOnlyOverHttpsEvenToThisMachine() {
        assertThat(connect("https://127.0.0.1:8443/contoso/").collection().getScheme()).isEqualTo("https");
        assertThatThrownBy(() -> connect("http://tfs.example.com/tfs/DefaultCollection/")).isInstanceOf(UserError.class)
                .hasMessageContaining("is plain HTTP, and the job's access token is sent only over HTTPS");
        assertThatThrownBy(() -> connect("http://127.0.0.1:8080/contoso/")).hasMessageContaining("plain HTTP");
        assertThatThrownBy(() -> connect("http://localhost:8080/contoso/")).hasMessageContaining("plain HTTP");
        assertThatThrownBy(() -> connect("ftp://dev.azure.com/contoso/")).hasMessageContaining("not an http(s) URL");
    }

    @Test
    void outsideAzurePipelinesOrWithoutTheTokenItSaysWhatIsMissing() {
        assertThatThrownBy(() -> DevOpsConnection.from(Environment.of(Map.of()), "Queueing dependent pipelines", "dependents"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Queueing dependent pipelines (input 'dependents') calls Azure DevOps")
                .hasMessageContaining("System.CollectionUri and System.TeamProject are not set")
                .hasMessageContaining("Leave 'dependents' empty outside Azure Pipelines");
        assertThatThrownBy(() -> connect("https://dev.azure.com/contoso/", Map.of()))
                .hasMessageContaining("needs the job's access token")
                .hasMessageContaining("SYSTEM_ACCESSTOKEN: $(System.AccessToken)");
    }
}
