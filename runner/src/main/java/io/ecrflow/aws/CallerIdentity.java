package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Duration;

/**
 * Says which AWS identity a run acts as (account and ARN, nothing secret), via STS GetCallerIdentity,
 * which needs no IAM permission. It only informs: when STS cannot be reached (a VPC with only an ECR
 * endpoint, say) or refuses, the run goes on and the ECR call that follows reports what is wrong.
 */
final class CallerIdentity {
    private CallerIdentity() {
    }

    static void report(RunCredentials credentials, Region region, Pipeline pipeline) {
        try (StsClient sts = StsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(15)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .credentialsProvider(credentials)
                .region(region)
                .build()) {
            GetCallerIdentityResponse identity = sts.getCallerIdentity();
            pipeline.info("Using AWS identity " + identity.arn() + " (account " + identity.account() + ") from "
                    + credentials.source() + ".");
        } catch (UserError e) {
            throw e;
        } catch (AwsServiceException e) {
            pipeline.warning("Could not confirm the AWS identity of " + credentials.source() + ": "
                    + AwsErrors.explain("call sts:GetCallerIdentity", e).getMessage());
        } catch (SdkException e) {
            AwsErrors.userErrorIn(e).ifPresent(failure -> {
                throw failure;
            });
            pipeline.info("Using AWS credentials from " + credentials.source() + " (STS could not be reached to name "
                    + "the identity: " + AwsErrors.rootCause(e).getMessage() + ").");
        }
    }
}
