package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.aws.RoleSession;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.TestbedConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** A role assumed on top of the pipeline's own keys signs every ECR call, and is renewed when it runs out. */
class AssumeRoleIT extends TestBedTest {

    @Test
    void aRoleAssumedWithAnExternalIdPushesAndEveryEcrCallIsSignedWithItsTemporaryKey() throws Exception {
        SampleApp.create(work, "assumed");
        String repository = "team/assumed-" + UUID.randomUUID().toString().substring(0, 8);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId)")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("321", "0123456789abcdef0123456789abcdef01234567"))
                .env("INPUT_ROLEARN", TestBedFixture.GUARDED_ROLE_ARN)
                .env("INPUT_EXTERNALID", TestBedFixture.EXTERNAL_ID)
                .in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("321");
        RoleSession session = testbed.roleSessions().stream()
                .filter(s -> s.callerAccessKeyId().equals(Optional.of(TestBedFixture.ACCESS_KEY_ID))
                        && s.sessionName().equals("ecrflow-321"))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(session.roleArn()).isEqualTo(TestBedFixture.GUARDED_ROLE_ARN);
        assertThat(session.externalId()).contains(TestBedFixture.EXTERNAL_ID);
        List<ControlPlaneCall> ecrCalls = RunAssertions.callsSince(testbed, mark).stream()
                .filter(c -> c.service().equals("ecr")).toList();
        assertThat(ecrCalls).extracting(ControlPlaneCall::operation)
                .contains("GetAuthorizationToken", "DescribeRepositories", "CreateRepository");
        assertThat(ecrCalls).allSatisfy(call -> assertThat(call.accessKeyId()).contains(session.accessKeyId()));
        assertThat(result.stdout()).contains("Using AWS identity arn:aws:sts::123456789012:assumed-role/partner-push/ecrflow-321 "
                + "(account 123456789012) from role " + TestBedFixture.GUARDED_ROLE_ARN + " assumed with the "
                + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables.");
        RunAssertions.onlyRegistered(result, testbed.issuedSessionSecrets().subList(
                testbed.issuedSessionSecrets().size() - 2, testbed.issuedSessionSecrets().size()));
    }

    @Test
    void aWrongExternalIdFailsNamingTheRoleAndTheBaseCredentialsAndTouchesNoRegistry() throws Exception {
        int mark = testbed.calls().size();

        RunResult result = runner("login", "--role-arn", TestBedFixture.GUARDED_ROLE_ARN, "--external-id", "someone-else")
                .env(TestBedFixture.awsEnvironment()).env("TF_BUILD", "True").in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors()))
                .contains("Could not get AWS credentials from role " + TestBedFixture.GUARDED_ROLE_ARN
                        + " assumed with the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables")
                .contains("STS denied it").contains("external id");
        assertThat(RunAssertions.callsSince(testbed, mark)).extracting(ControlPlaneCall::service).containsOnly("sts");
    }

    /**
     * The role's sessions last 4 seconds and the build takes longer, so the credentials of the first
     * calls have expired by the time the repository is created and the image pushed. The run must sign
     * those later calls with a renewed session, never with the expired one.
     */
    @Test
    void credentialsThatExpireDuringALongBuildAreRenewedAndTheRunSucceeds() throws Exception {
        Duration lifetime = Duration.ofSeconds(4);
        try (Testbed shortSessions = Testbed.start(TestBedFixture.trusting(TestbedConfig.defaults()
                .withCredentials(TestBedFixture.ACCESS_KEY_ID, TestBedFixture.SECRET_ACCESS_KEY))
                .withSessionLifetime(lifetime))) {
            SampleApp.create(work, "slow");
            Files.writeString(work.resolve("src/Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep 6 && echo %s > /built"]
                    """.formatted(UUID.randomUUID()));
            String repository = "team/slow-" + UUID.randomUUID().toString().substring(0, 8);

            RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                    "--role-arn", TestBedFixture.ROLE_ARN, "--no-cache")
                    .env(Map.of("AWS_ACCESS_KEY_ID", TestBedFixture.ACCESS_KEY_ID,
                            "AWS_SECRET_ACCESS_KEY", TestBedFixture.SECRET_ACCESS_KEY, "AWS_REGION", "us-east-1",
                            "AWS_ENDPOINT_URL_ECR", shortSessions.ecrEndpoint().toString(),
                            "AWS_ENDPOINT_URL_STS", shortSessions.stsEndpoint().toString(), "TF_BUILD", "True"))
                    .in(work).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(shortSessions.tagsOf(repository)).containsExactly("v1");
            List<ControlPlaneCall> ecrCalls = shortSessions.calls().stream().filter(c -> c.service().equals("ecr")).toList();
            // DescribeRepositories of the new repository answers RepositoryNotFoundException; nothing else may fail.
            assertThat(ecrCalls).allSatisfy(call -> assertThat(call.errorCode().filter(code -> !code.equals(
                    "RepositoryNotFoundException"))).as(call.toString()).isEmpty());
            ControlPlaneCall login = ecrCalls.stream().filter(c -> c.operation().equals("GetAuthorizationToken")).findFirst().orElseThrow();
            ControlPlaneCall create = ecrCalls.stream().filter(c -> c.operation().equals("CreateRepository")).findFirst().orElseThrow();
            RoleSession loginSession = sessionOf(shortSessions, login);
            RoleSession createSession = sessionOf(shortSessions, create);
            assertThat(loginSession.expiresAt()).as("the first session ran out during the build").isBefore(create.at());
            assertThat(createSession.accessKeyId()).isNotEqualTo(loginSession.accessKeyId());
            for (ControlPlaneCall call : ecrCalls) {
                assertThat(sessionOf(shortSessions, call).expiresAt()).as("signed with a live session: " + call).isAfter(call.at());
            }
        }
    }

    private static RoleSession sessionOf(Testbed bed, ControlPlaneCall call) {
        return bed.roleSessions().stream().filter(s -> call.accessKeyId().equals(Optional.of(s.accessKeyId())))
                .findFirst().orElseThrow(() -> new AssertionError("not signed by a role session: " + call));
    }
}
