package io.ecrflow.it;

import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.ecr.PublicRepositoryState;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ECR Public (seed 003): the alias comes from the registry, the repository is created with its gallery
 * text, the image is pushed to {@code <public host>/<alias>/<name>}, and a later run updates the text.
 */
class EcrPublicIT extends TestBedTest {
    private static final Pattern EXPORT = Pattern.compile("^##vso\\[task\\.setvariable variable=DOCKER_CONFIG;\\](.+)$", Pattern.MULTILINE);

    @Test
    void aPublicPushFindsTheAliasCreatesTheRepositoryWithItsCatalogAndUpdatesItNextTime() throws Exception {
        SampleApp.create(work, "public");
        Files.writeString(work.resolve("ABOUT.md"), "# Web\nA tiny web server.\n");
        String repository = "web-" + UUID.randomUUID().toString().substring(0, 8);
        String namespace = testbed.publicRegistryHost() + "/" + testbed.publicRegistryAlias();
        int mark = testbed.calls().size();

        RunResult first = publicStep(repository, "0.1.7")
                .env("INPUT_CATALOGDESCRIPTION", "A tiny web server")
                .env("INPUT_CATALOGABOUT", "ABOUT.md")
                .env("INPUT_CATALOGOPERATINGSYSTEMS", "Linux")
                .env("INPUT_CATALOGARCHITECTURES", "x86-64\nARM 64")
                .run();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.outputs()).containsEntry("registry", namespace)
                .containsEntry("imageUri", namespace + "/" + repository + ":0.1.7");
        assertThat(testbed.tagsOf(testbed.publicRegistryAlias() + "/" + repository)).containsExactly("0.1.7");
        PublicRepositoryState created = testbed.publicRepository(repository).orElseThrow();
        assertThat(created.uri()).isEqualTo(namespace + "/" + repository);
        assertThat(created.catalogData().description()).contains("A tiny web server");
        assertThat(created.catalogData().aboutText()).contains("# Web\nA tiny web server.\n");
        assertThat(created.catalogData().operatingSystems()).containsExactly("Linux");
        assertThat(created.catalogData().architectures()).containsExactly("x86-64", "ARM 64");
        List<ControlPlaneCall> calls = RunAssertions.callsSince(testbed, mark);
        assertThat(calls).filteredOn(c -> c.service().equals("ecr-public")).extracting(ControlPlaneCall::operation)
                .containsSubsequence("DescribeRegistries", "GetAuthorizationToken", "DescribeRepositories", "CreateRepository");
        assertThat(calls).filteredOn(c -> c.service().equals("ecr-public"))
                .allSatisfy(call -> assertThat(call.region()).contains("us-east-1"));
        assertThat(calls).noneMatch(c -> c.service().equals("ecr"));

        RunResult second = publicStep(repository, "0.1.8").env("INPUT_CATALOGDESCRIPTION", "A tinier web server").run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(testbed.tagsOf(testbed.publicRegistryAlias() + "/" + repository)).containsExactly("0.1.7", "0.1.8");
        assertThat(testbed.publicRepository(repository).orElseThrow().catalogData().description()).contains("A tinier web server");
        assertThat(second.stdout()).contains("Catalog data of " + namespace + "/" + repository + " updated (description).");
    }

    @Test
    void aPublicLoginLetsLaterStepsPullFromThePublicRegistry() throws Exception {
        SampleApp.create(work, "public-login");
        String repository = "pull-" + UUID.randomUUID().toString().substring(0, 8);
        RunResult pushed = publicStep(repository, "1").run();
        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        Path agentTemp = Files.createDirectories(work.resolve("agent-temp"));

        RunResult login = runner("login", "--public", "true").env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("71", "00112233445566778899aabbccddeeff00112233"))
                .env("AGENT_TEMPDIRECTORY", agentTemp.toString()).in(work).run();

        assertThat(login.exitCode()).as(login.toString()).isZero();
        Matcher export = EXPORT.matcher(login.stdout());
        assertThat(export.find()).as(login.stdout()).isTrue();
        String image = pushed.outputs().get("imageDigest");
        DockerCli.removeLocal(List.of(pushed.outputs().get("imageUri")));
        DockerCli.Result pull = DockerCli.run(Map.of("DOCKER_CONFIG", export.group(1)), "pull", image);
        assertThat(pull.exitCode()).as(pull.output()).isZero();
        DockerCli.removeLocal(List.of(image));
    }

    @Test
    void aPublicRegistryTokenThatExpiresDuringTheRunIsRenewedOnceAndEveryTagIsPublished() throws Exception {
        SampleApp.create(work, "public-expiring");
        String repository = "expiring-" + UUID.randomUUID().toString().substring(0, 8);
        // every bearer token issued so far stops working once tag 2 is written: the runner's next write meets
        // ECR Public's 400 DENIED without a challenge
        testbed.expirePublicRegistryTokensAfterWrite(repository, "2");
        int tokensBefore = testbed.issuedPublicRegistryTokens().size();
        int deniedBefore = testbed.deniedRegistryRequests().size();

        RunResult result = runner("build-push", "--public", "--repository", repository, "--context", "src",
                "--tags", "1,2,3").env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("72", "00112233445566778899aabbccddeeff00112233"))
                .in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(testbed.publicRegistryAlias() + "/" + repository)).containsExactly("1", "2", "3");
        String digest = testbed.manifestDigest(testbed.publicRegistryAlias() + "/" + repository, "1").orElseThrow();
        assertThat(testbed.manifestDigest(testbed.publicRegistryAlias() + "/" + repository, "3")).contains(digest);
        assertThat(testbed.deniedRegistryRequests().subList(deniedBefore, testbed.deniedRegistryRequests().size()))
                .filteredOn(denied -> denied.status() == 400)
                .singleElement().satisfies(denied -> assertThat(denied.code()).isEqualTo("DENIED"));
        assertThat(result.lines()).filteredOn(line -> line.startsWith("##vso[task.logissue type=warning;]")
                && line.contains("as no longer valid") && line.contains("getting a new one and asking again")).hasSize(1);
        List<String> tokens = testbed.issuedPublicRegistryTokens();
        assertThat(tokens.size()).as("the engine's token, the runner's, and the runner's new one").isGreaterThanOrEqualTo(tokensBefore + 2);
        tokens.forEach(token -> assertThat(result.all()).doesNotContain(token));
    }

    @Test
    void settingsEcrPublicDoesNotHaveAreRefusedBeforeAnyWork() throws Exception {
        SampleApp.create(work, "public-immutable");
        int mark = testbed.calls().size();

        RunResult result = publicStep("web-immutable", "1").env("INPUT_TAGMUTABILITY", "IMMUTABLE").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("ECR Public repositories have no immutable tags")
                .contains("tagMutability");
        assertThat(RunAssertions.callsSince(testbed, mark)).isEmpty();
    }

    private RunnerProcess publicStep(String repository, String tag) {
        return runner("build-push", "--public", "--repository", repository, "--context", "src", "--tags", tag)
                .env(TestBedFixture.awsEnvironment())
                .env(TestBedFixture.azurePipelineVariables("70", "00112233445566778899aabbccddeeff00112233"))
                .in(work);
    }
}
