package io.ecrflow.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;

import java.util.function.Consumer;

/**
 * How every AWS client of the runner retries: the SDK's retry mode (standard unless AWS_RETRY_MODE or the profile's
 * retry_mode says otherwise: exponential backoff with full jitter, 1 s base for throttling errors, at most 20 s; see
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) with {@value #ATTEMPTS} attempts
 * instead of 3, so a pipeline that shares its account with many others rides out a burst of throttling (ECR's API
 * answers ThrottlingException when an account goes over its request rate), and says so in the log: a step that
 * waits without a word looks hung. AWS_MAX_ATTEMPTS still chooses another number of attempts.
 */
final class ThrottlingRetries implements RetryStrategy {
    static final int ATTEMPTS = 8;
    /** The operation being called on this thread: the SDK's sync clients retry on the caller's thread. */
    private static final ThreadLocal<String> OPERATION = new ThreadLocal<>();

    private final RetryStrategy delegate;
    private final String service;
    private final Consumer<String> note;

    private ThrottlingRetries(RetryStrategy delegate, String service, Consumer<String> note) {
        this.delegate = delegate;
        this.service = service;
        this.note = note;
    }

    /**
     * Sets a client's retries; {@code service} names the API in the notes: "ECR", "ECR Public", "STS".
     *
     * @param note where a throttled call is told, the run's log ({@code pipeline::info})
     */
    static void configure(ClientOverrideConfiguration.Builder client, String service, Consumer<String> note) {
        RetryMode mode = RetryMode.resolver().defaultRetryMode(RetryMode.STANDARD).resolve();
        int attempts = SdkSystemSetting.AWS_MAX_ATTEMPTS.getIntegerValue().filter(n -> n > 0).orElse(ATTEMPTS);
        RetryStrategy base = AwsRetryStrategy.forRetryMode(mode).toBuilder().maxAttempts(attempts).build();
        client.retryStrategy(new ThrottlingRetries(base, service, note))
                .addExecutionInterceptor(new OperationName());
    }

    /** The delegate's token, with the operation it is for and the attempt that comes next. */
    private record Attempt(RetryToken token, String operation, int number) implements RetryToken {
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        AcquireInitialTokenResponse response = delegate.acquireInitialToken(request);
        String operation = OPERATION.get() == null ? "call" : OPERATION.get();
        return AcquireInitialTokenResponse.create(new Attempt(response.token(), operation, 1), response.delay());
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        Attempt attempt = (Attempt) request.token();
        RefreshRetryTokenResponse response = delegate.refreshRetryToken(request.toBuilder().token(attempt.token()).build());
        Attempt next = new Attempt(response.token(), attempt.operation(), attempt.number() + 1);
        if (request.failure() instanceof AwsServiceException failure && failure.isThrottlingException()) {
            note.accept("AWS is throttling " + service + " " + attempt.operation() + "; retrying (attempt "
                    + next.number() + " of " + delegate.maxAttempts() + ").");
        }
        return RefreshRetryTokenResponse.create(next, response.delay());
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        Attempt attempt = (Attempt) request.token();
        RecordSuccessResponse response = delegate.recordSuccess(RecordSuccessRequest.create(attempt.token()));
        return RecordSuccessResponse.create(new Attempt(response.token(), attempt.operation(), attempt.number()));
    }

    @Override
    public int maxAttempts() {
        return delegate.maxAttempts();
    }

    @Override
    public Builder<?, ?> toBuilder() {
        return delegate.toBuilder();
    }

    /** Tells the strategy which operation the calling thread is about to make. */
    private static final class OperationName implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            OPERATION.set(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            OPERATION.remove();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            OPERATION.remove();
        }
    }
}
