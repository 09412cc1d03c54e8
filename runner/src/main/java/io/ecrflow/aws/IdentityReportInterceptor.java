package io.ecrflow.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Prints the run's AWS identity when the first ECR call comes back (or fails), on the caller's thread:
 * the identity was looked up meanwhile, beside that call.
 */
final class IdentityReportInterceptor implements ExecutionInterceptor {
    private final CallerIdentity identity;

    IdentityReportInterceptor(CallerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
        identity.report();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes executionAttributes) {
        identity.report(true);
    }
}
