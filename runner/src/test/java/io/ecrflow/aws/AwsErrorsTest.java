package io.ecrflow.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.sts.model.StsException;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures whose answer did not come from AWS, as when a proxy or a wrong endpoint answers. */
class AwsErrorsTest {
    @Test
    void anStsAnswerWithoutAnAwsErrorSaysWhatElseMayHaveAnswered() {
        StsException notAws = (StsException) StsException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().build()).build();

        String message = AwsErrors.credentialsFailed("role arn:aws:iam::123456789012:role/ecr-push", notAws).getMessage();

        assertThat(message).startsWith("Could not get AWS credentials from role arn:aws:iam::123456789012:role/ecr-push: ")
                .contains("HTTP 404 without an AWS error").contains("AWS_ENDPOINT_URL_STS").contains("proxy")
                .doesNotContain("null");
    }

    @Test
    void anEcrAnswerWithoutAnAwsErrorSaysTheSame() {
        EcrException notAws = (EcrException) EcrException.builder().statusCode(502).build();

        String message = AwsErrors.explain("log in to ECR (ecr:GetAuthorizationToken)", notAws).getMessage();

        assertThat(message).startsWith("Could not log in to ECR (ecr:GetAuthorizationToken): the answer was HTTP 502")
                .contains("AWS_ENDPOINT_URL_ECR").contains("proxy").doesNotContain("null");
    }
}
