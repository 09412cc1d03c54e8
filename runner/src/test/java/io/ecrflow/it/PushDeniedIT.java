package io.ecrflow.it;

import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;
import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.aws.TrustedRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry that refuses the push fails the step clearly: a login that has already expired, and credentials IAM
 * denies the upload actions, which ECR answers with no answer at all (the step fails after a few upload attempts,
 * counted at the registry front, not after the engine's minute of retries).
 */
class PushDeniedIT {
    // AWS's second documented example key pair: the test bed denies it ECR's upload actions.
    private static final String DENIED_KEY_ID = "AKIAI44QH8DHBEXAMPLE";
    private static final String DENIED_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
    private static final String READ_ONLY_ROLE = "arn:aws:iam::123456789012:role/ecr-read-only";
    /** No more upload starts than the runner's check makes (two attempts): the engine's retries would make dozens. */
    private static final int FEW_UPLOADS = 2;

    @TempDir
    Path work;

    private static Testbed denyingUploads() {
        return Testbed.start(TestbedConfig.defaults()
                .withCredentials(TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY)
                .withCredentials(DENIED_KEY_ID, DENIED_SECRET)
                .withDeniedActions(DENIED_KEY_ID, "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload", "ecr:PutImage")
                .withRole(TrustedRole.of(READ_ONLY_ROLE))
                .withDeniedActions(READ_ONLY_ROLE, "ecr:InitiateLayerUpload"));
    }

    private static RunnerProcess as(Testbed testbed, String keyId, String secret, String... arguments) {
        return runner(arguments)
                .env("AWS_ACCESS_KEY_ID", keyId)
                .env("AWS_SECRET_ACCESS_KEY", secret)
                .env("AWS_REGION", "us-east-1")
                .env("AWS_ENDPOINT_URL_ECR", testbed.ecrEndpoint().toString())
                .env("AWS_ENDPOINT_URL_STS", testbed.stsEndpoint().toString())
                .env("AWS_CA_BUNDLE", TestbedTls.fromEnvironment().caFile().toString())
                .env("TF_BUILD", "True");
    }

    private static void assertNamesBothCauses(RunResult result, Testbed testbed, String repository) {
        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains("ecr:InitiateLayerUpload", "ecr:PutImage", "'" + repository + "'", "does not exist");
        assertThat(result.all()).doesNotContain("Exception", "\tat ");
        assertThat(testbed.uploadsStarted(repository)).as("upload attempts the registry saw")
                .isBetween(1, FEW_UPLOADS);
        assertThat(testbed.tagsOf(repository)).isEmpty();
    }

    @Test
    void aPushByCredentialsDeniedTheUploadFailsAtOnceNamingThePermissionAndTheRepository() throws Exception {
        try (Testbed testbed = denyingUploads()) {
            SampleApp.create(work, "no-upload");

            RunResult result = as(testbed, DENIED_KEY_ID, DENIED_SECRET,
                    "build-push", "--repository", "team/no-upload", "--context", "src", "--tags", "v1")
                    .in(work).run();

            assertNamesBothCauses(result, testbed, "team/no-upload");
            assertThat(testbed.repository("team/no-upload")).as("CreateRepository is allowed").isPresent();
        }
    }

    @Test
    void aPushAsARoleDeniedTheUploadFailsAtOnceToo() throws Exception {
        try (Testbed testbed = denyingUploads()) {
            SampleApp.create(work, "role-no-upload");

            RunResult result = as(testbed, TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY,
                    "build-push", "--repository", "team/role-no-upload", "--context", "src", "--tags", "v1",
                    "--role-arn", READ_ONLY_ROLE).in(work).run();

            assertNamesBothCauses(result, testbed, "team/role-no-upload");
            assertThat(testbed.roleSessions()).extracting(session -> session.roleArn()).contains(READ_ONLY_ROLE);
        }
    }

    @Test
    void aPromotionByCredentialsDeniedTheUploadFailsAtOnceNamingThePermissionAndTheRepository() throws Exception {
        try (Testbed testbed = denyingUploads()) {
            SampleApp.create(work, "promote-source");
            RunResult pushed = as(testbed, TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY,
                    "build-push", "--repository", "team/source", "--context", "src", "--tags", "rc1").in(work).run();
            assertThat(pushed.exitCode()).as(pushed.toString()).isZero();

            RunResult result = as(testbed, DENIED_KEY_ID, DENIED_SECRET, "promote", "--source-repository",
                    "team/source", "--source-tag", "rc1", "--repository", "team/release", "--tags", "1.0.0")
                    .in(work).run();

            assertNamesBothCauses(result, testbed, "team/release");
        }
    }

    @Test
    void aRefusedPushFailsSayingWhatToCheckAndPushesNothing() throws Exception {
        try (Testbed expiring = Testbed.start(TestbedConfig.defaults()
                .withCredentials(TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY)
                .withRegistryPasswordLifetime(Duration.ofMillis(1)))) {
            SampleApp.create(work, "denied");

            RunResult result = runner("build-push", "--repository", "team/denied", "--context", "src", "--tags", "v1")
                    .env("AWS_ACCESS_KEY_ID", TestBedFixture.ACCESS_KEY_ID)
                    .env("AWS_SECRET_ACCESS_KEY", TestBedFixture.SECRET_ACCESS_KEY)
                    .env("AWS_REGION", "us-east-1")
                    .env("AWS_ENDPOINT_URL_ECR", expiring.ecrEndpoint().toString())
                    .env("TF_BUILD", "True")
                    .in(work).run();

            assertThat(result.exitCode()).isNotZero();
            assertThat(String.join("\n", result.errors())).containsIgnoringCase("denied").contains("ecr:");
            assertThat(expiring.deniedRegistryRequests()).isNotEmpty();
            assertThat(expiring.tagsOf("team/denied")).isEmpty();
            for (String password : expiring.issuedRegistryPasswords()) {
                assertThat(result.all().lines().filter(l -> l.contains(password)))
                        .containsExactly("##vso[task.setsecret]" + password);
            }
        }
    }
}
