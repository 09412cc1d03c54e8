package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EcrConnectorTest {
    private static final Pipeline PIPELINE = mock(Pipeline.class);

    @Test
    void theOptionBeatsTheEnvironmentsRegion() {
        EcrConnector connector = new EcrConnector(Map.of("AWS_REGION", "us-east-1"), PIPELINE);
        assertThat(connector.resolveRegion(new AwsTarget(Optional.of("eu-west-1"), Optional.empty(), Optional.empty())))
                .isEqualTo(Region.EU_WEST_1);
    }

    @Test
    void theServiceConnectionsDefaultRegionServesAStepWithoutOneAndTheStepsOwnWins() {
        Map<String, String> agent = Map.of("ENDPOINT_DATA_C0FFEE_REGION", "eu-central-1", "AWS_REGION", "us-east-1");
        CredentialSettings connection = new CredentialSettings(Optional.empty(), Optional.empty(),
                CredentialSettings.DEFAULT_COMMAND_TIMEOUT, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(new ServiceConnectionChoice("awsConnection", "C0FFEE")));
        EcrConnector connector = new EcrConnector(agent, PIPELINE);

        assertThat(connector.resolveRegion(new AwsTarget(Optional.empty(), Optional.empty(), Optional.empty(), connection,
                false, Optional.empty()))).isEqualTo(Region.EU_CENTRAL_1);
        assertThat(connector.resolveRegion(new AwsTarget(Optional.of("eu-west-1"), Optional.empty(), Optional.empty(),
                connection, false, Optional.empty()))).isEqualTo(Region.EU_WEST_1);
    }

    @Test
    void theAwsCliDefaultRegionVariableIsHonoured() {
        EcrConnector connector = new EcrConnector(Map.of("AWS_DEFAULT_REGION", "ap-southeast-2"), PIPELINE);
        assertThat(connector.resolveRegion(new AwsTarget(Optional.empty(), Optional.empty(), Optional.empty())))
                .isEqualTo(Region.AP_SOUTHEAST_2);
    }

    @Test
    void anUnknownRegionIsRejectedNamingTheInput() {
        EcrConnector connector = new EcrConnector(Map.of(), PIPELINE);
        assertThatThrownBy(() -> connector.resolveRegion(new AwsTarget(Optional.of("eu-wst-1"), Optional.empty(), Optional.empty())))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("'eu-wst-1' is not a known AWS region")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("region"));
    }

    @Test
    void aRegionIsCheckedEvenWithACustomEndpoint() {
        EcrConnector connector = new EcrConnector(Map.of("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:1"), PIPELINE);
        assertThatThrownBy(() -> connector.resolveRegion(new AwsTarget(Optional.of("us east 1"),
                Optional.of(URI.create("http://127.0.0.1:1")), Optional.empty())))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("Region 'us east 1' is not an AWS region code")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("region"));
        assertThatThrownBy(() -> connector.resolveRegion(new AwsTarget(Optional.of("eu-wst-1"),
                Optional.of(URI.create("http://127.0.0.1:1")), Optional.empty())))
                .hasMessageContaining("'eu-wst-1' is not a known AWS region").hasMessageContaining("unlistedRegion");
    }

    @Test
    void aRegionNewerThanTheSdkPassesWhenTheUserSaysSo() {
        EcrConnector connector = new EcrConnector(Map.of(), PIPELINE);
        AwsTarget target = new AwsTarget(Optional.of("eu-future-9"), Optional.empty(), Optional.empty()).allowingUnlistedRegion(true);
        assertThat(connector.resolveRegion(target)).isEqualTo(Region.of("eu-future-9"));
        assertThatThrownBy(() -> connector.resolveRegion(new AwsTarget(Optional.of("eu future 9"), Optional.empty(),
                Optional.empty()).allowingUnlistedRegion(true))).hasMessageContaining("is not an AWS region code");
    }
}
