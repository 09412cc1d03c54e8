package io.ecrflow.aws;

import io.ecrflow.UserError;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** Turns AWS SDK failures into messages that say what to fix. The one place that reads SDK error codes. */
final class AwsErrors {
    private AwsErrors() {
    }

    static UserError explain(String action, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
            String detail = service.awsErrorDetails() == null ? service.getMessage() : service.awsErrorDetails().errorMessage();
            return switch (code == null ? "" : code) {
                case "UnrecognizedClientException", "InvalidClientTokenId" -> new UserError(
                        "AWS rejected the access key while trying to " + action + ": " + detail
                                + " Check that the access key id (AWS_ACCESS_KEY_ID or the service connection) is active "
                                + "and belongs to the account you push to.", null, e);
                case "InvalidSignatureException", "SignatureDoesNotMatch" -> new UserError(
                        "AWS rejected the request signature while trying to " + action + ": the secret access key does "
                                + "not match the access key id. Check the secret key of the credentials in use.", null, e);
                case "ExpiredTokenException", "ExpiredToken", "RequestExpired" -> new UserError(
                        "The AWS credentials expired while trying to " + action + ". Refresh the session "
                                + "credentials (AWS_SESSION_TOKEN) or use credentials that renew themselves.", null, e);
                case "AccessDeniedException", "AccessDenied" -> new UserError(
                        "AWS denied permission to " + action + ": " + detail
                                + " Grant the identity in use the ECR permission named in the message.", null, e);
                default -> new UserError("Could not " + action + ": " + detail + " (" + code + ")", null, e);
            };
        }
        if (e instanceof SdkClientException client) {
            Throwable root = rootCause(client);
            if (root instanceof UnknownHostException || root instanceof ConnectException) {
                return new UserError("Could not reach the ECR API to " + action + " (" + root.getMessage()
                        + "). Check the region (--region or AWS_REGION) and, if set, the endpoint "
                        + "(--endpoint, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL).", "region", e);
            }
            String message = String.valueOf(client.getMessage());
            if (message.contains("Unable to load credentials")) {
                return new UserError("No AWS credentials were found. Provide them through the service connection, "
                        + "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables, a profile "
                        + "(AWS_PROFILE), a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) "
                        + "or a container/instance role.", null, e);
            }
            return new UserError("Could not " + action + ": " + message, null, e);
        }
        return new UserError("Could not " + action + ": " + e.getMessage(), null, e);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable current = t;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }
}
