package io.ecrflow.testbed.aws;

/**
 * An error an AWS API answers with: its code (ECR's JSON 1.1 {@code __type}, STS's
 * {@code <Code>}; the SDK maps it to its exception class), the message, and the HTTP status.
 */
public final class AwsError extends RuntimeException {

    private final String code;
    private final int status;

    public AwsError(String code, String message) {
        this(code, message, 400);
    }

    public AwsError(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    int status() {
        return status;
    }

    public static AwsError repositoryNotFound(String name, String registryId) {
        return new AwsError("RepositoryNotFoundException",
                "The repository with name '" + name + "' does not exist in the registry with id '" + registryId + "'");
    }

    public static AwsError invalidParameter(String message) {
        return new AwsError("InvalidParameterException", message);
    }
}
