package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** A named profile of the shared config and credentials files (seed 001's "local profile"): its keys and region apply. */
class ProfileIT extends TestBedTest {

    @Test
    void theProfilesKeysSignThePushInTheProfilesRegion() throws Exception {
        SampleApp.create(work, "profile");
        String keyId = "AKIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        String secret = "profile-secret-" + UUID.randomUUID();
        testbed.addCredentials(keyId, secret);
        Files.writeString(work.resolve("config"), "[profile ci]\nregion = eu-west-1\n");
        Files.writeString(work.resolve("credentials"), "[default]\naws_access_key_id = AKIADEFAULTPROFILE00\n"
                + "aws_secret_access_key = not-this-one\n\n[ci]\naws_access_key_id = " + keyId
                + "\naws_secret_access_key = " + secret + "\n");
        String repository = "team/profile-" + UUID.randomUUID().toString().substring(0, 8);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--profile", "ci")
                .env(Map.of("AWS_CONFIG_FILE", work.resolve("config").toString(),
                        "AWS_SHARED_CREDENTIALS_FILE", work.resolve("credentials").toString(),
                        "AWS_ENDPOINT_URL_ECR", testbed.ecrEndpoint().toString(),
                        "AWS_ENDPOINT_URL_STS", testbed.stsEndpoint().toString(), "TF_BUILD", "True"))
                .in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("v1");
        List<ControlPlaneCall> calls = RunAssertions.callsSince(testbed, mark);
        assertThat(calls).extracting(ControlPlaneCall::operation).contains("GetAuthorizationToken", "CreateRepository");
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.accessKeyId()).contains(keyId);
            assertThat(call.region()).contains("eu-west-1");
        });
        assertThat(result.stdout()).contains("from profile 'ci'.");
        RunAssertions.onlyRegistered(result, List.of(secret));
    }

    @Test
    void aProfileThatDoesNotExistFailsNamingIt() throws Exception {
        Files.writeString(work.resolve("credentials"), "[default]\naws_access_key_id = AKIADEFAULTPROFILE00\n"
                + "aws_secret_access_key = not-this-one\n");

        RunResult result = runner("login", "--profile", "release", "--region", "us-east-1")
                .env(Map.of("AWS_SHARED_CREDENTIALS_FILE", work.resolve("credentials").toString(),
                        "AWS_CONFIG_FILE", work.resolve("no-config").toString(),
                        "AWS_ENDPOINT_URL_ECR", testbed.ecrEndpoint().toString()))
                .in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("Could not get AWS credentials from profile 'release'");
    }
}
