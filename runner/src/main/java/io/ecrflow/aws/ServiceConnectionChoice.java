package io.ecrflow.aws;

/**
 * The Azure Pipelines service connection a task step was told to use: its id, as the agent puts it in the
 * input's value, and the input that chose it ({@code awsConnection} for ecrflow's own connection type,
 * {@code awsCredentials} for the AWS Toolkit's), so that messages name what the user set.
 */
public record ServiceConnectionChoice(String input, String id) {
}
