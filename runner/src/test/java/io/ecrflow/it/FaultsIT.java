package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.faults.LostAnswer;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.neighbours.WebhookReceiver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in the middle of a run, injected by the test bed's knobs (counted, never timed): a registry killed
 * during the engine's push, a login that expires between the first tag and the next, a Docker Engine that is not
 * there, ECR's API throttling the run. Each either is survived or fails with one error that says what happened;
 * transient manifest failures and the registry's throttling are in {@link PublishingIT}.
 */
class FaultsIT {
    @TempDir
    Path work;

    private final Testbed testbed = TestBedFixture.testbed();

    @BeforeEach
    void sampleApp() throws Exception {
        SampleApp.create(work, "faults");
    }

    private RunnerProcess buildPush(String repository, String buildId) {
        return runner("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId),latest")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("AGENT_TEMPDIRECTORY", work.resolve("agent-temp").toString())
                .in(work);
    }

    @Test
    void aRegistryKilledMidPushEndsInOneErrorSayingItCouldNotBeReached() throws Exception {
        String repository = "faults/killed";
        testbed.killRegistryAfterUploads(repository, 1);

        RunResult result = buildPush(repository, "901").run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains("Could not reach the registry at " + testbed.registryHost())
                .contains("Check that it is up");
        assertThat(result.all()).as("the engine's retries are one line, not one per layer and attempt")
                .doesNotContain("Retrying in");
        assertThat(result.lines()).filteredOn(line -> line.contains("the Docker Engine is trying again")).hasSizeLessThanOrEqualTo(1);
        assertThat(testbed.tagsOf(repository)).isEmpty();
    }

    @Test
    void threeThrottledCallsOfEachEcrOperationAreRiddenOutAndTheLogSaysSo() throws Exception {
        String repository = "faults/throttled-" + System.nanoTime();
        List<String> operations = List.of("GetAuthorizationToken", "DescribeRepositories", "CreateRepository");
        int before = testbed.calls().size();
        operations.forEach(operation -> testbed.throttleEcr(operation, 3));

        RunResult result = buildPush(repository, "903").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<ControlPlaneCall> calls = testbed.calls().subList(before, testbed.calls().size());
        for (String operation : operations) {
            assertThat(calls).filteredOn(call -> call.operation().equals(operation))
                    .filteredOn(call -> call.errorCode().filter("ThrottlingException"::equals).isPresent())
                    .as("%s was throttled three times", operation).hasSize(3);
            // answered, then: DescribeRepositories of a repository to be created answers RepositoryNotFoundException
            assertThat(calls).filteredOn(call -> call.operation().equals(operation))
                    .filteredOn(call -> !call.errorCode().filter("ThrottlingException"::equals).isPresent())
                    .as("and then answered").isNotEmpty();
            for (int attempt = 2; attempt <= 4; attempt++) {
                assertThat(result.lines()).as(result.toString())
                        .contains("AWS is throttling ECR " + operation + "; retrying (attempt " + attempt + " of 8).");
            }
        }
        assertThat(testbed.manifestDigest(repository, "903")).isPresent();
    }

    @Test
    void aLostAnswerOnAnExtraTagOfAnImmutableRepositoryIsReadBackAndEveryTagHoldsOneDigest() throws Exception {
        SampleApp.create(work, "faults-lost-extra");
        String repository = "faults/lost-extra";
        testbed.loseManifestWriteAnswers(repository, "latest", 1, LostAnswer.RESET);

        RunResult result = buildPush(repository, "907").env("INPUT_TAGMUTABILITY", "IMMUTABLE").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(lostAnswers(repository, "latest")).as("the answer was lost").isEqualTo(1);
        assertThat(refusedWrites(repository, "latest")).as("the write tried again was refused").isEqualTo(1);
        String digest = testbed.manifestDigest(repository, "907").orElseThrow();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
        assertThat(result.lines()).as(result.toString()).anySatisfy(line -> assertThat(line)
                .contains("Tag latest already holds " + digest + " (an earlier answer was lost"));
    }

    /**
     * A proxy's 502 is pushed again (classic engine) or tried again (the runner's write on the current engine), and the
     * immutable tag refuses the write it already holds; after a reset the classic engine does not try again, so the
     * runner reads the tag back right away.
     */
    @ParameterizedTest
    @EnumSource(LostAnswer.class)
    void aLostAnswerOnTheFirstTagOfAnImmutableRepositoryIsReadBackAndEveryTagHoldsOneDigest(LostAnswer how) throws Exception {
        String buildId = how == LostAnswer.BAD_GATEWAY ? "908" : "909";
        SampleApp.create(work, "faults-lost-first-" + buildId);
        String repository = "faults/lost-first-" + buildId;
        testbed.loseManifestWriteAnswers(repository, buildId, 1, how);

        RunResult result = buildPush(repository, buildId).env("INPUT_TAGMUTABILITY", "IMMUTABLE").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(lostAnswers(repository, buildId)).as("the answer was lost").isEqualTo(1);
        assertThat(refusedWrites(repository, buildId)).as("a write tried again was refused")
                .isEqualTo(how == LostAnswer.BAD_GATEWAY || TestBedTest.onCurrentEngine() ? 1 : 0);
        String digest = testbed.manifestDigest(repository, buildId).orElseThrow();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
        assertThat(result.lines()).as(result.toString()).anySatisfy(line -> assertThat(line)
                .contains("Tag " + buildId + " already holds " + digest).contains("(an earlier answer was lost)"));
    }

    @Test
    void aLoginThatExpiresAfterTheFirstTagIsRenewedOnceAndEveryTagIsPublished() throws Exception {
        String repository = "faults/expiring";
        testbed.expireRegistryPasswordsAfterWrite(repository, "902");
        int passwordsBefore = testbed.issuedRegistryPasswords().size();

        RunResult result = buildPush(repository, "902").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]")
                && line.contains("refused the login: it expired during the run. Logging in again.")).hasSize(1);
        List<String> issued = testbed.issuedRegistryPasswords();
        assertThat(issued).hasSize(passwordsBefore + 2);
        for (String password : issued.subList(passwordsBefore, issued.size())) {
            assertThat(result.all().lines().filter(line -> line.contains(password)))
                    .as("every login's password is only registered as a secret")
                    .containsExactly("##vso[task.setsecret]" + password);
        }
        String digest = testbed.manifestDigest(repository, "902").orElseThrow();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
    }

    @Test
    void aLayerUploadThatFailsOnceIsRetriedByTheEngineAndEveryTagIsPublished() throws Exception {
        SampleApp.create(work, "faults-layer-once");
        String repository = "faults/layer-once";
        testbed.failLayerUploads(repository, 500, 1);

        RunResult result = buildPush(repository, "904").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(failedUploads(repository)).as("the fault was met").isEqualTo(1);
        assertThat(result.lines()).filteredOn(line -> line.contains(TestBedTest.onCurrentEngine()
                ? "Uploading 1 blob(s) again (attempt 2 of 3)" : "the Docker Engine is trying again")).hasSize(1);
        String digest = testbed.manifestDigest(repository, "904").orElseThrow();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
    }

    @Test
    void layerUploadsThatKeepFailingEndInOneErrorAndNoTag() throws Exception {
        SampleApp.create(work, "faults-layer-always");
        String repository = "faults/layer-always";
        testbed.failLayerUploads(repository, 500, 1000);

        RunResult result = buildPush(repository, "905").run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains(TestBedTest.onCurrentEngine()
                        ? "The registry at " + testbed.registryHost() + " failed while the layers of"
                        : "The registry at " + testbed.registryHost() + " failed while the engine uploaded the layers of")
                .contains(TestBedTest.onCurrentEngine() ? "answered 500" : "500 Internal Server Error").contains("No tag was written");
        assertThat(result.all()).doesNotContain("Retrying in").doesNotContain("Pushing again");
        assertThat(testbed.tagsOf(repository)).isEmpty();
    }

    @Test
    void anImageConfigUploadThatFailsOnceIsPushedAgainAndEveryTagIsPublished() throws Exception {
        SampleApp.create(work, "faults-config-once");
        String repository = "faults/config-once";
        testbed.failConfigUploads(repository, 503, 1);

        RunResult result = buildPush(repository, "906").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(failedUploads(repository)).as("the fault was met").isEqualTo(1);
        assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]")
                && (TestBedTest.onCurrentEngine() ? line.contains("answered 503") && line.contains("again (attempt 2 of 3)")
                        : line.contains("503 Service Unavailable") && line.contains("Pushing again (2 of 3)"))).hasSize(1);
        String digest = testbed.manifestDigest(repository, "906").orElseThrow();
        assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
    }

    @Test
    void anImageConfigUploadThatKeepsFailingEndsInOneErrorAndNoTag() throws Exception {
        SampleApp.create(work, "faults-config-always");
        String repository = "faults/config-always";
        testbed.failConfigUploads(repository, 500, 1000);

        RunResult result = buildPush(repository, "907").run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        // the test bed fails every JSON blob: on the current engine the image's config and its provenance
        // attestation's config and statement, each sent three times by the runner; on the classic one the image's
        // config, once per push of the engine's
        assertThat(failedUploads(repository)).as("three attempts at every JSON blob")
                .isEqualTo(TestBedTest.onCurrentEngine() ? 9 : 3);
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains(TestBedTest.onCurrentEngine()
                        ? "The registry at " + testbed.registryHost() + " failed while the layers of"
                        : "The registry at " + testbed.registryHost() + " failed while the engine pushed")
                .contains(TestBedTest.onCurrentEngine() ? "on each of 3 attempts" : "on each of 3 pushes").contains("No tag was written");
        assertThat(testbed.tagsOf(repository)).isEmpty();
        assertThat(testbed.registryRequests()).filteredOn(r -> r.repository().equals(repository) && r.isManifestWrite())
                .isEmpty();
    }

    @Test
    void aLoginThatExpiresAfterTheVersionTagIsRenewedOnceAndPlatformImagePublishesEveryTag() throws Exception {
        String repository = "faults/platform-expiring";
        testbed.expireRegistryPasswordsAfterWrite(repository, "base-1.0.0");

        try (WebhookReceiver teams = new WebhookReceiver()) {
            RunResult result = platformImage(repository, "911", teams).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]")
                    && line.contains("refused the login: it expired during the run. Logging in again.")).hasSize(1);
            String digest = testbed.manifestDigest(repository, "base-1.0.0").orElseThrow();
            assertThat(testbed.manifestDigest(repository, "latest")).contains(digest);
        }
    }

    @Test
    void aTeamsWebhookAnswering500IsAWarningAndTheImageIsPublished() throws Exception {
        String repository = "faults/platform-teams-down";
        try (WebhookReceiver teams = new WebhookReceiver()) {
            teams.failNext(500, 1000);

            RunResult result = platformImage(repository, "912", teams).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(teams.failedPosts()).as("the card was tried").isEqualTo(1);
            assertThat(result.errors()).isEmpty();
            assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]")
                    && line.contains("Teams failed to take the card (HTTP 500: Internal Server Error)")
                    && line.contains("The image was published; set notifyFatal")).hasSize(1);
            assertThat(result.all().lines().filter(line -> line.contains(teams.secretPart())))
                    .as("the webhook URL is only registered as a secret").containsExactly("##vso[task.setsecret]" + teams.url());
            assertThat(testbed.manifestDigest(repository, "base-1.0.0")).isPresent();
            assertThat(result.outputs()).containsEntry("updated", "true");
        }
    }

    @Test
    void aTeamsWebhookAnswering500FailsTheRunWithNotifyFatalAndSaysTheImageIsPublished() throws Exception {
        String repository = "faults/platform-teams-fatal";
        try (WebhookReceiver teams = new WebhookReceiver()) {
            teams.failNext(500, 1000);

            RunResult result = platformImage(repository, "913", teams).env("INPUT_NOTIFYFATAL", "true").run();

            assertThat(result.exitCode()).as(result.toString()).isNotZero();
            assertThat(result.errors()).as(result.toString()).singleElement().asString()
                    .contains("Teams failed to take the card (HTTP 500").contains("The image itself was published");
            assertThat(testbed.manifestDigest(repository, "base-1.0.0")).isPresent();
        }
    }

    private RunnerProcess platformImage(String repository, String buildId, WebhookReceiver teams) throws Exception {
        return TestBedFixture.platformImageOnLocalBase(work, "faults/platform-base", repository, buildId)
                .env("INPUT_TEAMSWEBHOOKURL", teams.url());
    }

    /** Manifest PUTs of the tag the registry stored whose answer the test bed lost (a 502, or none at all). */
    private long lostAnswers(String repository, String tag) {
        return testbed.registryRequests().stream().filter(r -> r.repository().equals(repository) && r.isManifestWrite()
                && r.reference().equals(tag) && (r.status() == 502 || r.status() == 0)).count();
    }

    private long refusedWrites(String repository, String tag) {
        return testbed.registryRequests().stream().filter(r -> r.repository().equals(repository) && r.isManifestWrite()
                && r.reference().equals(tag) && r.status() == 400).count();
    }

    private long failedUploads(String repository) {
        return testbed.registryRequests().stream()
                .filter(r -> r.repository().equals(repository) && r.kind().equals("UPLOAD") && r.status() >= 500).count();
    }

    @Test
    void aDockerEngineThatIsNotThereFailsBeforeAnythingIsPublished() throws Exception {
        String repository = "faults/no-engine";
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        RunResult result = buildPush(repository, "903").env("DOCKER_HOST", "tcp://127.0.0.1:" + port).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains("No Docker Engine is reachable at").contains("127.0.0.1:" + port);
        assertThat(result.all()).doesNotContain("\tat io.ecrflow");
        assertThat(testbed.tagsOf(repository)).isEmpty();
    }
}
