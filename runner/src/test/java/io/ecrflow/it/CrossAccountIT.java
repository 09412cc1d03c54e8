package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.TestbedAccount;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** Pushing to another account's registry: the images land there, under that registry's own host. */
class CrossAccountIT extends TestBedTest {

    @Test
    void aRegistryIdPushesToThatAccountsRegistryUnderItsUri() throws Exception {
        SampleApp.create(work, "cross-account");
        String repository = "shared/app-" + UUID.randomUUID().toString().substring(0, 8);
        TestbedAccount other = testbed.account(TestBedFixture.OTHER_ACCOUNT);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--registry-id", TestBedFixture.OTHER_ACCOUNT)
                .env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True").in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("registry", other.registryHost())
                .containsEntry("imageUri", other.registryHost() + "/" + repository + ":v1");
        assertThat(other.registryHost()).isNotEqualTo(testbed.registryHost());
        assertThat(other.tagsOf(repository)).containsExactly("v1");
        assertThat(other.repository(repository)).hasValueSatisfying(r -> assertThat(r.registryId())
                .isEqualTo(TestBedFixture.OTHER_ACCOUNT));
        assertThat(testbed.repository(repository)).isEmpty();
        assertThat(RunAssertions.callsSince(testbed, mark)).filteredOn(c -> c.service().equals("ecr"))
                .allSatisfy(call -> assertThat(call.parameter("registryId")).contains(TestBedFixture.OTHER_ACCOUNT));
    }

    @Test
    void aRoleAssumedInAnotherAccountPushesToThatAccountsOwnRegistry() throws Exception {
        SampleApp.create(work, "other-role");
        String repository = "team/theirs-" + UUID.randomUUID().toString().substring(0, 8);
        TestbedAccount other = testbed.account(TestBedFixture.OTHER_ACCOUNT);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--role-arn", TestBedFixture.OTHER_ACCOUNT_ROLE_ARN)
                .env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True").in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outputs()).containsEntry("registry", other.registryHost());
        assertThat(other.tagsOf(repository)).containsExactly("v1");
        assertThat(result.stdout()).contains("(account " + TestBedFixture.OTHER_ACCOUNT + ")");
        assertThat(RunAssertions.callsSince(testbed, mark)).filteredOn(c -> c.service().equals("ecr"))
                .extracting(ControlPlaneCall::accessKeyId).allSatisfy(key -> assertThat(key).hasValueSatisfying(
                        id -> assertThat(id).startsWith("ASIA")));
    }
}
