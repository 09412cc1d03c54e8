package io.ecrflow.testbed.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.Testbed;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** STS's GetCallerIdentity, driven by the real AWS SDK's query-protocol client. */
class StsTest {

    private static Testbed testbed;

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config().withUserName("pipeline"));
    }

    @AfterAll
    static void stop() {
        testbed.close();
    }

    @Test
    void callerIdentityNamesTheAccountAndUser() {
        try (StsClient sts = AwsClients.sts(testbed, AwsClients.KEY_ID, AwsClients.SECRET)) {
            GetCallerIdentityResponse identity = sts.getCallerIdentity();

            assertThat(identity.account()).isEqualTo("123456789012");
            assertThat(identity.arn()).isEqualTo("arn:aws:iam::123456789012:user/pipeline");
            assertThat(identity.userId()).matches("AIDA[0-9A-F]{16}");
        }
        assertThat(testbed.calls()).last().satisfies(call -> {
            assertThat(call.service()).isEqualTo("sts");
            assertThat(call.operation()).isEqualTo("GetCallerIdentity");
            assertThat(call.region()).contains("us-east-1");
            assertThat(call.succeeded()).isTrue();
        });
    }

    @Test
    void unknownKeyIsAnInvalidClientTokenId() {
        try (StsClient sts = AwsClients.sts(testbed, "AKIAUNKNOWNKEY000000", AwsClients.SECRET)) {
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The security token included in the request is invalid.");
            });
        }
        assertThat(testbed.calls()).last().extracting(ControlPlaneCall::errorCode)
                .isEqualTo(Optional.of("InvalidClientTokenId"));
    }

    @Test
    void wrongSecretIsASignatureMismatch() {
        try (StsClient sts = AwsClients.sts(testbed, AwsClients.KEY_ID, "not-the-secret")) {
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            });
        }
    }
}
