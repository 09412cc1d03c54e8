package io.ecrflow.testbed;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;

/** Real AWS SDK clients pointed at a testbed, the way the runner builds them. */
public final class AwsClients {

    public static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private AwsClients() {}

    public static TestbedConfig config() {
        return TestbedConfig.defaults().withCredentials(KEY_ID, SECRET);
    }

    public static EcrClient ecr(Testbed testbed) {
        return ecr(testbed, AwsBasicCredentials.create(KEY_ID, SECRET), Region.US_EAST_1);
    }

    public static EcrClient ecr(Testbed testbed, String keyId, String secret) {
        return ecr(testbed, AwsBasicCredentials.create(keyId, secret), Region.US_EAST_1);
    }

    public static EcrClient ecr(Testbed testbed, String keyId, String secret, String sessionToken) {
        return ecr(testbed, AwsSessionCredentials.create(keyId, secret, sessionToken), Region.US_EAST_1);
    }

    public static EcrClient ecr(Testbed testbed, AwsCredentials credentials, Region region) {
        return EcrClient.builder()
                .endpointOverride(testbed.ecrEndpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public static StsClient sts(Testbed testbed, String keyId, String secret) {
        return StsClient.builder()
                .endpointOverride(testbed.stsEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
