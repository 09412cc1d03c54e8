package io.ecrflow.it;

import io.ecrflow.testbed.neighbours.AzureDevOpsFront;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.neighbours.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the runner asks of Azure DevOps with the job's access token: platform-image queues the pipelines built on
 * the platform image once it published a new version, and build-push and platform-image tag the run with what
 * they published. The real runner against the ECR test bed, the Docker Engine and an Azure DevOps collection on
 * loopback that checks the job's bearer token and records every run it queued (branch, template parameters) and
 * every tag it added.
 */
class AzureDevOpsIT {
    private static final String WARNING = "##vso[task.logissue type=warning;]";
    private static final String UPLOAD_SUMMARY = "##vso[task.uploadsummary]";

    @TempDir
    Path work;

    private final Testbed testbed = TestBedFixture.testbed();
    private AzureDevOpsFront devops;

    @BeforeEach
    void startAzureDevOps() throws Exception {
        SampleApp.create(work, "dependents");
        devops = AzureDevOpsFront.start("contoso", "Platform Team");
        devops.addPipeline(42, "web-shop", "\\Apps", "refs/heads/main");
        devops.addPipeline(43, "web-shop", "\\Legacy", "refs/heads/master");
        devops.addPipeline(57, "orders-api", "\\", "refs/heads/develop");
    }

    @AfterEach
    void stopAzureDevOps() {
        devops.close();
    }

    @Test
    void aNewVersionQueuesEachPipelineAtItsBranchWithItsParametersAndTheJobsToken() throws Exception {
        String repository = repository("queues");
        // the list comes in pages of two: the name must be found on any page
        devops.pageSize(2);
        try (WebhookReceiver teams = new WebhookReceiver()) {
            RunResult result = platformImage(repository, "951")
                    .env("INPUT_TEAMSWEBHOOKURL", teams.url())
                    .env("INPUT_DEPENDENTS", """
                            42@release/2026 baseTag=6.0 'note=new base: 6.0'
                            # the API's default branch
                            orders-api
                            Legacy/web-shop@refs/tags/v7 "retries=3"
                            """).run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(devops.runs()).hasSize(3);
            AzureDevOpsFront.QueuedRun byId = devops.runs().get(0);
            assertThat(byId.pipelineId()).isEqualTo(42);
            assertThat(byId.refName()).contains("refs/heads/release/2026");
            assertThat(byId.templateParameters()).containsExactly(Map.entry("baseTag", "6.0"),
                    Map.entry("note", "new base: 6.0"));
            AzureDevOpsFront.QueuedRun byName = devops.runs().get(1);
            assertThat(byName.pipelineId()).isEqualTo(57);
            assertThat(byName.refName()).as("the pipeline's default branch").isEmpty();
            assertThat(byName.templateParameters()).isEmpty();
            AzureDevOpsFront.QueuedRun inFolder = devops.runs().get(2);
            assertThat(inFolder.pipelineId()).isEqualTo(43);
            assertThat(inFolder.refName()).contains("refs/tags/v7");
            assertThat(inFolder.templateParameters()).containsExactly(Map.entry("retries", "3"));
            assertThat(devops.requests()).as("every request carried the job's token").isNotEmpty()
                    .allSatisfy(request -> assertThat(request.authorized()).isTrue());
            assertThat(devops.requests()).as("the list is read once, all pages, for both names")
                    .filteredOn(request -> request.method().equals("GET")).hasSize(2);

            List<String> links = devops.runs().stream().map(AzureDevOpsFront.QueuedRun::webUrl).toList();
            assertThat(result.outputs()).containsEntry("updated", "true")
                    .containsEntry("queuedRuns", String.join(",", links));
            for (String link : links) {
                assertThat(result.stdout()).containsOnlyOnce(link + "\n");
            }
            assertThat(result.stdout()).contains("Queued web-shop (42@release/2026 baseTag=6.0 note=new base: 6.0), run ");
            String summaryFile = result.lines().stream().filter(line -> line.startsWith(UPLOAD_SUMMARY)).findFirst()
                    .orElseThrow().substring(UPLOAD_SUMMARY.length());
            assertThat(Files.readString(Path.of(summaryFile)))
                    .contains("| Dependent pipeline | Run |").contains("orders-api").contains("(" + links.get(1) + ")");
            assertThat(teams.cards()).singleElement().satisfies(card -> assertThat(card.toString())
                    .contains("Rebuilding").contains("orders-api #20261201."));
            assertTokenOnlyRegisteredAsSecret(result);
        }
    }

    @Test
    void aRunWithoutANewVersionQueuesNothingAndCallsAzureDevOpsNever() throws Exception {
        String repository = repository("unchanged");
        RunResult first = platformImage(repository, "952").env("INPUT_DEPENDENTS", "42@main").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        int requestsBefore = devops.requests().size();

        RunResult second = platformImage(repository, "953").env("INPUT_DEPENDENTS", "42@main").run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.outputs()).containsEntry("updated", "false").containsEntry("queuedRuns", "");
        assertThat(second.stdout()).contains("Decision: no update").doesNotContain("Queued ");
        assertThat(devops.requests()).hasSize(requestsBefore);
        assertThat(devops.runs()).hasSize(1);
    }

    @Test
    void aPipelineTheBuildServiceMayNotQueueIsAWarningNamingThePermissionAndTheOthersAreQueued() throws Exception {
        String repository = repository("denied");
        devops.denyQueue(42);

        RunResult result = platformImage(repository, "954").env("INPUT_DEPENDENTS", "42@main\n57").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.errors()).isEmpty();
        assertThat(result.lines()).filteredOn(line -> line.startsWith(WARNING)).filteredOn(line -> line.contains("42@main"))
                .singleElement().asString()
                .contains("Dependent pipeline 42@main was not queued.")
                .contains("HTTP 403: TF215106: Access denied.")
                .contains("\"Platform Team Build Service (contoso)\"")
                .contains("needs the \"Queue builds\" permission on pipeline 42")
                .contains("Manage security")
                .contains("The image was published; set dependentsFatal");
        assertThat(devops.runs()).extracting(AzureDevOpsFront.QueuedRun::pipelineId).containsExactly(57);
        assertThat(result.outputs()).containsEntry("queuedRuns", devops.runs().get(0).webUrl());
        assertThat(testbed.manifestDigest(repository, "base-1.0.0")).isPresent();
    }

    @Test
    void withDependentsFatalAPipelineThatCannotBeQueuedFailsTheRunAfterTheImageIsPublished() throws Exception {
        String repository = repository("fatal");
        devops.denyQueue(42);

        RunResult result;
        try (WebhookReceiver teams = new WebhookReceiver()) {
            result = platformImage(repository, "955").env("INPUT_DEPENDENTS", "42@main\nweb-shop\n57")
                    .env("INPUT_DEPENDENTSFATAL", "true")
                    .env("INPUT_TEAMSWEBHOOKURL", teams.url()).env("INPUT_NOTIFYONFAILURE", "true").run();
            // the version is published: its card says so, and the failure to queue adds no failure card
            assertThat(teams.cards()).as(result.toString()).singleElement()
                    .satisfies(card -> assertThat(card.toString()).contains("base-1.0.0"));
        }

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errors()).as(result.toString()).singleElement().asString()
                .contains("2 of 3 dependent pipelines were not queued.")
                .contains("\"Queue builds\" permission on pipeline 42")
                .contains("More than one pipeline of project Platform Team is named 'web-shop': \\Apps\\web-shop (id 42), "
                        + "\\Legacy\\web-shop (id 43)")
                .contains("The image itself was published and 1 queued; dependentsFatal makes this a failure.");
        assertThat(result.lines()).noneMatch(line -> line.startsWith(WARNING) && line.contains("was not queued"));
        assertThat(devops.runs()).extracting(AzureDevOpsFront.QueuedRun::pipelineId).containsExactly(57);
        assertThat(result.outputs()).containsEntry("queuedRuns", devops.runs().get(0).webUrl());
        assertThat(testbed.manifestDigest(repository, "base-1.0.0")).isPresent();
    }

    @Test
    void azureDevOpsFailingOnceIsTriedAgainAndThePipelineQueuedOnce() throws Exception {
        String repository = repository("retried");
        devops.failNext(503, 1);

        RunResult result = platformImage(repository, "956").env("INPUT_DEPENDENTS", "57@main").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(devops.failedRequests()).isEqualTo(1);
        assertThat(devops.runs()).singleElement().satisfies(run -> assertThat(run.pipelineId()).isEqualTo(57));
        assertThat(result.stdout()).contains("Azure DevOps answered HTTP 503 when asked to queue pipeline 57; trying again");
    }

    @Test
    void anUnknownNameIsAWarningListingCloseMatches() throws Exception {
        String repository = repository("unknown");

        RunResult result = platformImage(repository, "957").env("INPUT_DEPENDENTS", "web-shp").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.lines()).filteredOn(line -> line.startsWith(WARNING) && line.contains("web-shp")).singleElement()
                .asString().contains("Project Platform Team has no pipeline named 'web-shp'; close matches: "
                        + "\\Apps\\web-shop (id 42), \\Legacy\\web-shop (id 43).");
        assertThat(devops.runs()).isEmpty();
    }

    @Test
    void dependentsOutsideAzurePipelinesFailBeforeAnythingIsBuilt() throws Exception {
        String repository = repository("outside");

        RunResult result = platformImage(repository, "958").env("INPUT_DEPENDENTS", "42")
                .env("SYSTEM_COLLECTIONURI", "").env("SYSTEM_TEAMPROJECT", "").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errors()).singleElement().asString()
                .contains("Queueing dependent pipelines (input 'dependents')")
                .contains("System.CollectionUri and System.TeamProject are not set");
        assertThat(testbed.repository(repository)).isEmpty();
        assertThat(devops.requests()).isEmpty();
    }

    @Test
    void buildTagsTagTheRunWithTheVersionTagAndTheShortDigest() throws Exception {
        String repository = repository("tagged");

        RunResult result = platformImage(repository, "961").env("INPUT_BUILDTAGS", "true").run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String digest = result.outputs().get("digest");
        assertThat(devops.buildTags(961)).containsExactly("base-1.0.0", "sha256:" + digest.substring(7, 19));
        assertThat(result.stdout()).contains("Tagged this run (build 961): base-1.0.0, sha256:" + digest.substring(7, 19));
        assertTokenOnlyRegisteredAsSecret(result);

        RunResult unchanged = platformImage(repository, "962").env("INPUT_BUILDTAGS", "true").run();

        assertThat(unchanged.exitCode()).as(unchanged.toString()).isZero();
        assertThat(unchanged.outputs()).containsEntry("updated", "false");
        assertThat(devops.buildTags(962)).as("nothing published, nothing to find the run by").isEmpty();
    }

    @Test
    void buildPushTagsTheRunAndABuildServiceThatMayNotIsAWarning() throws Exception {
        String repository = repository("pushed");

        RunResult tagged = buildPush(repository, "963").run();

        assertThat(tagged.exitCode()).as(tagged.toString()).isZero();
        String digest = tagged.outputs().get("digest");
        assertThat(devops.buildTags(963)).containsExactly("963", "sha256:" + digest.substring(7, 19));

        devops.denyBuildTags();
        RunResult refused = buildPush(repository, "964").run();

        assertThat(refused.exitCode()).as(refused.toString()).isZero();
        assertThat(refused.errors()).isEmpty();
        assertThat(refused.lines()).filteredOn(line -> line.startsWith(WARNING)).hasSize(2)
                .first().asString().contains("The run was not tagged '964'.")
                .contains("Edit build quality permissions for vstfs:///Build/Build/964")
                .contains("needs the \"Edit build quality\" permission on this pipeline")
                .contains("The image was published either way.");
        assertThat(devops.buildTags(964)).isEmpty();
        assertThat(testbed.tagsOf(repository)).contains("963", "964");
    }

    @Test
    void buildTagsOutsideAzurePipelinesFailBeforeAnythingIsBuilt() throws Exception {
        String repository = repository("untagged");

        RunResult result = buildPush(repository, "965").env("SYSTEM_COLLECTIONURI", "").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.errors()).singleElement().asString().contains("Tagging the run (input 'buildTags')")
                .contains("System.CollectionUri and System.TeamProject are not set");
        assertThat(testbed.repository(repository)).isEmpty();
        assertThat(devops.requests()).isEmpty();
    }

    private RunnerProcess buildPush(String repository, String buildId) {
        return runner("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId)",
                "--build-tags", "true")
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables(buildId, "0123456789abcdef0123456789abcdef01234567"))
                .env("SYSTEM_COLLECTIONURI", devops.collectionUri())
                .env("SYSTEM_TEAMPROJECT", devops.project())
                .env("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", devops.accessToken())
                .in(work);
    }

    private void assertTokenOnlyRegisteredAsSecret(RunResult result) {
        assertThat(result.all().lines().filter(line -> line.contains(devops.accessToken())))
                .containsExactly("##vso[task.setsecret]" + devops.accessToken());
    }

    private static String repository(String name) {
        return "dependents/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RunnerProcess platformImage(String repository, String buildId) throws Exception {
        return TestBedFixture.platformImageOnLocalBase(work, "dependents/platform-base", repository, buildId)
                .env("SYSTEM_COLLECTIONURI", devops.collectionUri())
                .env("SYSTEM_TEAMPROJECT", devops.project())
                // what the agent hands every task step of the job
                .env("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", devops.accessToken());
    }
}
