package io.ecrflow.devops;

import io.ecrflow.UserError;

/** Azure DevOps did not do what was asked. The message never holds the job's access token. */
public final class DevOpsFailure extends UserError {
    public DevOpsFailure(String message, String input) {
        super(message, input);
    }
}
