package io.ecrflow.aws;

import io.ecrflow.UserError;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;

/** Turns AWS SDK failures into messages that say what to fix. The one place that reads SDK error codes. */
final class AwsErrors {
    private AwsErrors() {
    }

    static UserError explain(String action, SdkException e) {
        Optional<UserError> credentialsFailure = userErrorIn(e);
        if (credentialsFailure.isPresent()) {
            // A credential source failed while refreshing mid-call; its message already names the source.
            return new UserError(credentialsFailure.get().getMessage() + " (while trying to " + action + ")",
                    credentialsFailure.get().input().orElse(null), e);
        }
        if (e instanceof AwsServiceException service && withoutAwsError(service)) {
            return new UserError("Could not " + action + ": " + notAws(service, "--endpoint, AWS_ENDPOINT_URL_ECR or AWS_ENDPOINT_URL_ECR_PUBLIC"), null, e);
        }
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
                        + "(--endpoint, AWS_ENDPOINT_URL_ECR or for ECR Public AWS_ENDPOINT_URL_ECR_PUBLIC, AWS_ENDPOINT_URL).", "region", e);
            }
            String message = String.valueOf(client.getMessage());
            if (message.contains("Unable to load credentials")) {
                return noCredentials(e);
            }
            return new UserError("Could not " + action + ": " + message, null, e);
        }
        return new UserError("Could not " + action + ": " + e.getMessage(), null, e);
    }

    /**
     * A credential source failed: the message names it ("the credentials command `jit`", "role … assumed
     * with profile 'ci'") and says what to check for that kind of source.
     */
    static UserError credentialsFailed(String source, SdkException e) {
        Optional<UserError> inner = userErrorIn(e);
        if (inner.isPresent()) {
            return inner.get();
        }
        String prefix = "Could not get AWS credentials from " + source + ": ";
        if (e instanceof AwsServiceException service && withoutAwsError(service)) {
            return new UserError(prefix + notAws(service, "AWS_ENDPOINT_URL_STS"), null, e);
        }
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = String.valueOf(service.awsErrorDetails().errorCode());
            String detail = service.awsErrorDetails().errorMessage();
            return switch (code) {
                case "AccessDenied" -> new UserError(prefix + "STS denied it (" + detail + "). Check that the role's "
                        + "trust policy allows this caller, and the external id if the role requires one.", "roleArn", e);
                case "InvalidIdentityToken", "IDPRejectedClaim" -> new UserError(prefix + "STS refused the token ("
                        + detail + "). Check the IAM OIDC identity provider: its URL must be the token's issuer and its "
                        + "audience (client ID) the token's audience; see docs/credentials.md.", "roleArn", e);
                case "ExpiredTokenException", "ExpiredToken" -> new UserError(prefix + "the credentials or token used "
                        + "to get them expired (" + detail + ").", null, e);
                case "InvalidClientTokenId", "SignatureDoesNotMatch" -> new UserError(prefix + "STS rejected the "
                        + "credentials the role is assumed with (" + detail + "). Check those keys.", null, e);
                case "ValidationError" -> new UserError(prefix + detail, "roleArn", e);
                default -> new UserError(prefix + detail + " (" + code + ")", null, e);
            };
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials from any of the providers")) {
            return noCredentials(e);
        }
        if (message.contains("Profile file contained no credentials")) {
            return new UserError(prefix + "the shared config and credentials files (AWS_CONFIG_FILE, "
                    + "AWS_SHARED_CREDENTIALS_FILE, by default in ~/.aws) have no credentials for it. Check the profile "
                    + "name and the files.", "profile", e);
        }
        Throwable root = rootCause(e);
        if (root instanceof UnknownHostException || root instanceof ConnectException) {
            return new UserError(prefix + "STS could not be reached (" + root.getMessage() + "). Check the region and, "
                    + "if set, AWS_ENDPOINT_URL_STS.", "region", e);
        }
        return new UserError(prefix + message, null, e);
    }

    /** An HTTP error with no AWS error in it: something else answered, such as a proxy or a wrong endpoint. */
    private static boolean withoutAwsError(AwsServiceException service) {
        return service.awsErrorDetails() == null || service.awsErrorDetails().errorCode() == null
                || service.awsErrorDetails().errorCode().isBlank();
    }

    private static String notAws(AwsServiceException service, String endpointVariable) {
        return "the answer was HTTP " + service.statusCode() + " without an AWS error in it, so something other than AWS "
                + "answered. Check the region, the endpoint if one is set (" + endpointVariable + ", AWS_ENDPOINT_URL) "
                + "and any proxy between this agent and AWS (HTTPS_PROXY, the agent's proxy settings).";
    }

    /** A {@link UserError} a credential source threw, when the SDK wrapped it on the way out. */
    static Optional<UserError> userErrorIn(Throwable e) {
        for (Throwable current = e; current != null; current = current.getCause() == current ? null : current.getCause()) {
            if (current instanceof UserError user) {
                return Optional.of(user);
            }
        }
        return Optional.empty();
    }

    private static UserError noCredentials(SdkException e) {
        return new UserError("No AWS credentials were found. Provide them through the service connection, "
                + "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables, a profile "
                + "(--profile or AWS_PROFILE), a credentials command (--credentials-command), a web identity token "
                + "(--web-identity-token-file, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) or a container/instance role.",
                null, e);
    }

    static Throwable rootCause(Throwable t) {
        Throwable current = t;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }
}
