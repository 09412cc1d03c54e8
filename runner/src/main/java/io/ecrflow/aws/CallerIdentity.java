package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Says which AWS identity a run acts as (account and ARN, nothing secret), via STS GetCallerIdentity,
 * which needs no IAM permission. It only informs: when STS cannot be reached (a VPC with only an ECR
 * endpoint, say) or refuses, the run goes on and the ECR call that follows reports what is wrong.
 *
 * The lookup runs beside the run's first ECR call rather than before it, as nothing waits for its
 * answer; the answer is printed from the run's own thread, before the first ECR answer is used, so the
 * log reads in the same order every time.
 */
final class CallerIdentity {
    private final CompletableFuture<Consumer<Pipeline>> lookup;
    private final Pipeline pipeline;
    private boolean reported;

    private CallerIdentity(CompletableFuture<Consumer<Pipeline>> lookup, Pipeline pipeline) {
        this.lookup = lookup;
        this.pipeline = pipeline;
    }

    /** Starts the lookup in the background; {@link #report()} prints what it found. */
    static CallerIdentity lookUpInBackground(RunCredentials credentials, Region region, Pipeline pipeline) {
        return new CallerIdentity(CompletableFuture.supplyAsync(() -> lookUp(credentials, region)), pipeline);
    }

    /**
     * Prints the identity once, waiting for the lookup if it is still running. A credentials failure the
     * lookup ran into is thrown, unless {@code failing} (an ECR call failed already and tells the user more).
     */
    synchronized void report(boolean failing) {
        if (reported) {
            return;
        }
        reported = true;
        Consumer<Pipeline> note;
        try {
            note = lookup.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            if (!failing && e.getCause() instanceof UserError user) {
                throw user;
            }
            return;
        }
        note.accept(pipeline);
    }

    void report() {
        report(false);
    }

    /** What the lookup found, as the line to print; throws the user's error for a credentials failure. */
    private static Consumer<Pipeline> lookUp(RunCredentials credentials, Region region) {
        try (StsClient sts = StsClient.builder()
                .httpClientBuilder(AwsHttpClient.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .credentialsProvider(credentials)
                .region(region)
                .build()) {
            GetCallerIdentityResponse identity = sts.getCallerIdentity();
            String line = "Using AWS identity " + identity.arn() + " (account " + identity.account() + ") from "
                    + credentials.source() + ".";
            return pipeline -> pipeline.info(line);
        } catch (UserError e) {
            throw e;
        } catch (AwsServiceException e) {
            String line = "Could not confirm the AWS identity of " + credentials.source() + ": "
                    + AwsErrors.explain("call sts:GetCallerIdentity", e).getMessage();
            return pipeline -> pipeline.warning(line);
        } catch (SdkException e) {
            AwsErrors.userErrorIn(e).ifPresent(failure -> {
                throw failure;
            });
            String line = "Using AWS credentials from " + credentials.source() + " (STS could not be reached to name "
                    + "the identity: " + AwsErrors.rootCause(e).getMessage() + ").";
            return pipeline -> pipeline.info(line);
        }
    }
}
