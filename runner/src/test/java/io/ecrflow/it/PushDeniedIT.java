package io.ecrflow.it;

import io.ecrflow.testbed.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** A registry that refuses the push (here: a login that has already expired) fails the step clearly. */
class PushDeniedIT {
    @TempDir
    Path work;

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
