package io.ecrflow.testbed.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.Testbed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** AssumeRole and AssumeRoleWithWebIdentity, driven by the real SDK: issued keys really sign later calls. */
class StsRolesTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/ci/ecr-pusher";
    static final String GUARDED_ROLE = "arn:aws:iam::123456789012:role/guarded";
    static final String ISSUER = "https://vstoken.dev.azure.com/11111111-2222-3333-4444-555555555555";

    private static Testbed testbed;
    private static StsClient sts;

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config()
                .withRole(TrustedRole.of(ROLE))
                .withRole(TrustedRole.of(GUARDED_ROLE).requiringExternalId("tenant-42"))
                .withIdentityProvider(IdentityProvider.of(ISSUER, "api://AzureADTokenExchange")));
        sts = AwsClients.sts(testbed, AwsClients.KEY_ID, AwsClients.SECRET);
    }

    @AfterAll
    static void stop() {
        sts.close();
        testbed.close();
    }

    @Test
    void assumedRoleCredentialsSignEcrCallsAndIdentifyAsTheAssumedRole() {
        AssumeRoleResponse assumed = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("build-42")
                .sourceIdentity("pipeline-7").durationSeconds(900));

        Credentials credentials = assumed.credentials();
        assertThat(credentials.accessKeyId()).startsWith("ASIA");
        assertThat(credentials.expiration()).isBetween(Instant.now().plusSeconds(890), Instant.now().plusSeconds(901));
        assertThat(assumed.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/ecr-pusher/build-42");
        assertThat(assumed.sourceIdentity()).isEqualTo("pipeline-7");
        try (StsClient asRole = sts(credentials); EcrClient ecr = ecr(credentials)) {
            assertThat(asRole.getCallerIdentity().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/ecr-pusher/build-42");
            assertThat(ecr.describeRepositories().repositories()).isNotNull();
        }

        assertThat(testbed.roleSessions()).last().satisfies(session -> {
            assertThat(session.roleArn()).isEqualTo(ROLE);
            assertThat(session.sessionName()).isEqualTo("build-42");
            assertThat(session.sourceIdentity()).contains("pipeline-7");
            assertThat(session.callerAccessKeyId()).contains(AwsClients.KEY_ID);
            assertThat(session.accessKeyId()).isEqualTo(credentials.accessKeyId());
        });
        assertThat(testbed.calls()).filteredOn(c -> c.operation().equals("AssumeRole")).last().satisfies(call -> {
            assertThat(call.accessKeyId()).contains(AwsClients.KEY_ID);
            assertThat(call.parameter("RoleArn")).contains(ROLE);
            assertThat(call.parameter("RoleSessionName")).contains("build-42");
        });
        assertThat(testbed.calls()).last().satisfies(call -> {
            assertThat(call.service()).isEqualTo("ecr");
            assertThat(call.accessKeyId()).contains(credentials.accessKeyId());
            assertThat(call.succeeded()).isTrue();
        });
    }

    @Test
    void aRoleThatRequiresAnExternalIdRefusesAnyOther() {
        assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(GUARDED_ROLE).roleSessionName("s1").externalId("wrong")))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("user/ecrflow-ci").contains(GUARDED_ROLE);
                });
        assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(GUARDED_ROLE).roleSessionName("s1")))
                .isInstanceOf(StsException.class);

        AssumeRoleResponse assumed = sts.assumeRole(r -> r.roleArn(GUARDED_ROLE).roleSessionName("s1").externalId("tenant-42"));

        assertThat(assumed.assumedRoleUser().arn()).endsWith(":assumed-role/guarded/s1");
        assertThat(testbed.roleSessions()).last().extracting(RoleSession::externalId).isEqualTo(Optional.of("tenant-42"));
        assertThat(testbed.calls()).last().extracting(c -> c.parameter("ExternalId")).isEqualTo(Optional.of("tenant-42"));
    }

    @Test
    void anUnknownRoleOrABadSessionNameIsRefused() {
        assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/other").roleSessionName("s")))
                .isInstanceOfSatisfying(StsException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/other").roleSessionName("ok")))
                .isInstanceOfSatisfying(StsException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void credentialsOfAnExpiredSessionAreRefusedAsExpired() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        try (Testbed shortLived = Testbed.start(AwsClients.config().withRole(TrustedRole.of(ROLE))
                .withSessionLifetime(Duration.ofMinutes(15)).withClock(now::get));
             StsClient stsClient = AwsClients.sts(shortLived, AwsClients.KEY_ID, AwsClients.SECRET)) {
            Credentials credentials = stsClient.assumeRole(r -> r.roleArn(ROLE).roleSessionName("short")).credentials();
            try (EcrClient ecr = ecr(shortLived, credentials)) {
                now.set(now.get().plus(Duration.ofMinutes(15).minusMillis(1)));
                ecr.describeRepositories();
                now.set(now.get().plus(Duration.ofMillis(1)));

                assertThatThrownBy(ecr::describeRepositories).isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("expired");
                });
            }
        }
    }

    @Test
    void aWebIdentityTokenFromATrustedIssuerIsExchangedWithoutASignature() {
        String token = jwt(ISSUER, "sc://example/web/aws-prod", "api://AzureADTokenExchange", Instant.now().plusSeconds(600));

        AssumeRoleWithWebIdentityResponse assumed;
        try (StsClient anonymous = anonymousSts()) {
            assumed = anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("azure-1").webIdentityToken(token));
        }

        assertThat(assumed.subjectFromWebIdentityToken()).isEqualTo("sc://example/web/aws-prod");
        assertThat(assumed.audience()).isEqualTo("api://AzureADTokenExchange");
        assertThat(assumed.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/ecr-pusher/azure-1");
        try (EcrClient ecr = ecr(assumed.credentials())) {
            assertThat(ecr.describeRepositories().repositories()).isNotNull();
        }
        assertThat(testbed.roleSessions()).last().satisfies(session -> {
            assertThat(session.webIdentityIssuer()).contains(ISSUER);
            assertThat(session.webIdentitySubject()).contains("sc://example/web/aws-prod");
            assertThat(session.callerAccessKeyId()).isEmpty();
        });
        assertThat(testbed.calls()).filteredOn(c -> c.operation().equals("AssumeRoleWithWebIdentity")).last()
                .satisfies(call -> {
                    assertThat(call.accessKeyId()).isEmpty();
                    assertThat(call.parameters()).doesNotContainKey("WebIdentityToken").containsEntry("RoleArn", ROLE);
                });
    }

    @Test
    void aWebIdentityTokenIsRefusedForAnUnknownIssuerAWrongAudienceOrWhenExpired() {
        try (StsClient anonymous = anonymousSts()) {
            assertThatThrownBy(() -> anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("web-1")
                    .webIdentityToken(jwt("https://token.actions.githubusercontent.com", "repo:o/r", "sts.amazonaws.com",
                            Instant.now().plusSeconds(60)))))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("No OpenIDConnect provider");
                    });
            assertThatThrownBy(() -> anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("web-1")
                    .webIdentityToken(jwt(ISSUER, "sc://a/b/c", "sts.amazonaws.com", Instant.now().plusSeconds(60)))))
                    .isInstanceOfSatisfying(StsException.class, e ->
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Incorrect token audience"));
            assertThatThrownBy(() -> anonymous.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("web-1")
                    .webIdentityToken(jwt(ISSUER, "sc://a/b/c", "api://AzureADTokenExchange", Instant.now().minusSeconds(5)))))
                    .isInstanceOfSatisfying(StsException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
        }
    }

    /** A JWT with the given claims; the signature part is a placeholder the testbed does not check. */
    static String jwt(String issuer, String subject, String audience, Instant expiresAt) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = encoder.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"aud\":\""
                + audience + "\",\"exp\":" + expiresAt.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + encoder.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
    }

    private static StsClient anonymousSts() {
        return StsClient.builder().endpointOverride(testbed.stsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static StsClient sts(Credentials credentials) {
        return StsClient.builder().endpointOverride(testbed.stsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> session(credentials))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static EcrClient ecr(Credentials credentials) {
        return ecr(testbed, credentials);
    }

    private static EcrClient ecr(Testbed target, Credentials credentials) {
        return AwsClients.ecr(target, session(credentials), Region.US_EAST_1);
    }

    private static AwsSessionCredentials session(Credentials credentials) {
        return AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
    }
}
