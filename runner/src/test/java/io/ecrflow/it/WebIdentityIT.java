package io.ecrflow.it;

import com.sun.net.httpserver.HttpServer;
import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.neighbours.ForwardProxy;
import io.ecrflow.testbed.aws.RoleSession;
import io.ecrflow.testbed.apps.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web identity federation: an OIDC token, from a file or from Azure Pipelines' OIDC token API, is
 * exchanged for a role with AssumeRoleWithWebIdentity, and the role's temporary key does the push.
 */
class WebIdentityIT extends TestBedTest {
    private static final String ACCESS_TOKEN = "job-access-token-" + UUID.randomUUID();
    private static final String CONNECTION_ID = "7c3e1f0a-5b6d-4e8f-9a0b-1c2d3e4f5a6b";

    private HttpServer azureDevOps;
    private final List<String> oidcRequests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAzureDevOps() {
        if (azureDevOps != null) {
            azureDevOps.stop(0);
        }
    }

    @Test
    void aTokenFileIsExchangedForTheRoleWhoseKeyPushes() throws Exception {
        SampleApp.create(work, "token-file");
        String token = Jwt.token(TestBedFixture.GITHUB_ISSUER, "repo:example/web:ref:refs/heads/main", "sts.amazonaws.com",
                Instant.now().plusSeconds(600));
        Files.writeString(work.resolve("token.jwt"), token + "\n");
        String repository = "team/oidc-file-" + UUID.randomUUID().toString().substring(0, 8);
        int mark = testbed.calls().size();

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--web-identity-token-file", "token.jwt", "--role-arn", TestBedFixture.ROLE_ARN)
                .env(TestBedFixture.endpointEnvironment()).env("GITHUB_RUN_ID", "9001").in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("v1");
        RoleSession session = lastWebIdentitySession("repo:example/web:ref:refs/heads/main");
        assertThat(session.sessionName()).isEqualTo("ecrflow-9001");
        assertThat(session.webIdentityIssuer()).contains(TestBedFixture.GITHUB_ISSUER);
        assertEcrCallsSignedBy(mark, session);
        assertThat(result.stdout()).contains("Exchanging the web identity token file token.jwt (issuer "
                + TestBedFixture.GITHUB_ISSUER + ", subject repo:example/web:ref:refs/heads/main, audience sts.amazonaws.com)");
        assertThat(result.stdout()).contains("Using AWS identity arn:aws:sts::123456789012:assumed-role/ecr-push/ecrflow-9001");
        assertThat(result.all()).doesNotContain(token);
    }

    @Test
    void theStandardTokenFileVariablesWorkThroughTheDefaultChain() throws Exception {
        String token = Jwt.token(TestBedFixture.GITHUB_ISSUER, "repo:example/web:environment:prod", "sts.amazonaws.com",
                Instant.now().plusSeconds(600));
        Path file = Files.writeString(work.resolve("web-identity-token"), token);

        RunResult result = runner("login").env(TestBedFixture.endpointEnvironment())
                .env("AWS_WEB_IDENTITY_TOKEN_FILE", file.toString()).env("AWS_ROLE_ARN", TestBedFixture.ROLE_ARN)
                .env("AWS_ROLE_SESSION_NAME", "codebuild-42").in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(lastWebIdentitySession("repo:example/web:environment:prod").sessionName()).isEqualTo("codebuild-42");
        assertThat(result.stdout()).contains("assumed-role/ecr-push/codebuild-42").contains("from the web identity token "
                + "in AWS_WEB_IDENTITY_TOKEN_FILE for AWS_ROLE_ARN");
    }

    @Test
    void azurePipelinesOidcTokenOfTheServiceConnectionIsExchangedAndPushes() throws Exception {
        SampleApp.create(work, "azure-oidc");
        String subject = "sc://example/web/aws-ecr-push";
        String token = Jwt.token(TestBedFixture.AZURE_DEVOPS_ISSUER, subject, TestBedFixture.AZURE_AUDIENCE,
                Instant.now().plusSeconds(600));
        startAzureDevOps(200, "{\"oidcToken\":\"" + token + "\"}");
        String repository = "team/oidc-azure-" + UUID.randomUUID().toString().substring(0, 8);
        int mark = testbed.calls().size();

        RunResult result = azureStep("build-push", "--repository", repository, "--context", "src", "--tags", "$(Build.BuildId)")
                .env("INPUT_OIDCSERVICECONNECTIONID", CONNECTION_ID)
                .env("INPUT_ROLEARN", TestBedFixture.ROLE_ARN)
                .run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("555");
        assertThat(oidcRequests).singleElement().isEqualTo("POST /project-id/_apis/distributedtask/hubs/build/plans/plan-id"
                + "/jobs/job-id/oidctoken?api-version=7.1&serviceConnectionId=" + CONNECTION_ID + " Bearer " + ACCESS_TOKEN);
        RoleSession session = lastWebIdentitySession(subject);
        assertThat(session.sessionName()).isEqualTo("ecrflow-555");
        assertEcrCallsSignedBy(mark, session);
        assertThat(result.stdout()).contains("(issuer " + TestBedFixture.AZURE_DEVOPS_ISSUER + ", subject " + subject
                + ", audience " + TestBedFixture.AZURE_AUDIENCE + ")");
        List<String> secrets = new java.util.ArrayList<>(List.of(token, ACCESS_TOKEN));
        List<String> issued = testbed.issuedSessionSecrets();
        secrets.addAll(issued.subList(issued.size() - 2, issued.size()));
        RunAssertions.onlyRegistered(result, secrets);
    }

    /**
     * Behind the agent's proxy (Agent.ProxyUrl with credentials), the OIDC token request goes through it:
     * its host name resolves only there. ECR and STS on loopback are reached directly.
     */
    @Test
    void theOidcTokenRequestGoesThroughTheAgentsProxyWithItsCredentials() throws Exception {
        String subject = "sc://example/web/aws-ecr-push";
        startAzureDevOps(200, "{\"oidcToken\":\"" + Jwt.token(TestBedFixture.AZURE_DEVOPS_ISSUER, subject,
                TestBedFixture.AZURE_AUDIENCE, Instant.now().plusSeconds(600)) + "\"}");
        String proxyPassword = "proxy-pw-" + UUID.randomUUID();
        try (ForwardProxy proxy = new ForwardProxy(Map.of("dev.azure.test", "127.0.0.1", "sts.aws.test", "127.0.0.1", "ecr.aws.test", "127.0.0.1"), Optional.of("builder:" + proxyPassword))) {
            String oidcUri = "http://dev.azure.test:" + azureDevOps.getAddress().getPort()
                    + "/project-id/_apis/distributedtask/hubs/build/plans/plan-id/jobs/job-id/oidctoken";

            RunResult result = azureStep("login", "--oidc-service-connection-id", CONNECTION_ID, "--role-arn", TestBedFixture.ROLE_ARN)
                    .env("AWS_ENDPOINT_URL_STS", testbed.stsEndpoint().toString().replace("127.0.0.1", "sts.aws.test"))
                    .env("AWS_ENDPOINT_URL_ECR", testbed.ecrEndpoint().toString().replace("127.0.0.1", "ecr.aws.test"))
                    .env("SYSTEM_OIDCREQUESTURI", oidcUri)
                    .env("AGENT_PROXYURL", proxy.url())
                    .env("AGENT_PROXYUSERNAME", "builder")
                    .env("AGENT_PROXYPASSWORD", proxyPassword)
                    .run();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(proxy.refused()).as("asked for credentials first, as proxies do").hasSize(1);
            assertThat(proxy.requests()).as("every outside call: Azure DevOps, STS and ECR by name")
                    .contains("POST " + oidcUri + "?api-version=7.1&serviceConnectionId=" + CONNECTION_ID)
                    .anyMatch(request -> request.startsWith("POST http://sts.aws.test:"))
                    .anyMatch(request -> request.startsWith("POST http://ecr.aws.test:"));
            assertThat(lastWebIdentitySession(subject).webIdentityIssuer()).contains(TestBedFixture.AZURE_DEVOPS_ISSUER);
            assertThat(result.stdout()).contains("Proxy: HTTPS through 127.0.0.1:" + proxy.port() + " (Agent.ProxyUrl");
            assertThat(result.stdout().lines().filter(line -> line.contains(proxyPassword)))
                    .containsExactly("##vso[task.setsecret]" + proxyPassword);
        }
    }

    /** After the Azure DevOps issuer retires, tokens come from Microsoft Entra: nothing in the runner changes. */
    @Test
    void aTokenFromTheEntraIssuerIsExchangedTheSameWay() throws Exception {
        String subject = "/eid1/c/pub/t/fBoafkVNcG-BkqO0xdbn-A/a/9ExAW52n_ky4ZiS_jhpJIQ/sc/4f9a3b2c-1d2e-4f5a-8b9c/" + CONNECTION_ID;
        startAzureDevOps(200, "{\"oidcToken\":\"" + Jwt.token(TestBedFixture.ENTRA_ISSUER, subject,
                TestBedFixture.AZURE_AUDIENCE, Instant.now().plusSeconds(600)) + "\"}");

        RunResult result = azureStep("login", "--oidc-service-connection-id", CONNECTION_ID, "--role-arn", TestBedFixture.ROLE_ARN)
                .run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(lastWebIdentitySession(subject).webIdentityIssuer()).contains(TestBedFixture.ENTRA_ISSUER);
    }

    @Test
    void aRefusedOidcTokenRequestFailsNamingTheServiceConnection() throws Exception {
        startAzureDevOps(401, "{\"message\":\"The pipeline is not authorized to use this service connection.\"}");
        int mark = testbed.calls().size();

        RunResult result = azureStep("login", "--oidc-service-connection-id", CONNECTION_ID, "--role-arn", TestBedFixture.ROLE_ARN)
                .run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors())).contains("service connection " + CONNECTION_ID)
                .contains("HTTP 401").contains("not authorized to use this service connection");
        assertThat(RunAssertions.callsSince(testbed, mark)).isEmpty();
    }

    @Test
    void aTokenFromAnIssuerIamDoesNotTrustFailsNamingTheTokenAndTheRole() throws Exception {
        Files.writeString(work.resolve("token.jwt"), Jwt.token("https://gitlab.example.com", "project_path:g/p:ref_type:branch",
                "sts.amazonaws.com", Instant.now().plusSeconds(600)));

        RunResult result = runner("login", "--web-identity-token-file", "token.jwt", "--role-arn", TestBedFixture.ROLE_ARN)
                .env(TestBedFixture.endpointEnvironment()).env("TF_BUILD", "True").in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.errors()))
                .contains("Could not get AWS credentials from role " + TestBedFixture.ROLE_ARN
                        + " assumed with the web identity token file token.jwt")
                .contains("No OpenIDConnect provider found").contains("identity provider");
    }

    private RunnerProcess azureStep(String... args) {
        return runner(args)
                .env(TestBedFixture.endpointEnvironment())
                .env(TestBedFixture.azurePipelineVariables("555", "0123456789abcdef0123456789abcdef01234567"))
                .env("SYSTEM_OIDCREQUESTURI", "http://127.0.0.1:" + azureDevOps.getAddress().getPort()
                        + "/project-id/_apis/distributedtask/hubs/build/plans/plan-id/jobs/job-id/oidctoken")
                .env("SYSTEM_ACCESSTOKEN", ACCESS_TOKEN)
                .in(work);
    }

    /** A stand-in for Azure DevOps' OIDC token endpoint that records what it was asked. */
    private void startAzureDevOps(int status, String body) throws IOException {
        azureDevOps = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        azureDevOps.createContext("/", exchange -> {
            String authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
            oidcRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + authorization);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(authorization.equals("Bearer " + ACCESS_TOKEN) ? status : 401, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        azureDevOps.start();
    }

    private RoleSession lastWebIdentitySession(String subject) {
        return testbed.roleSessions().stream().filter(s -> s.webIdentitySubject().equals(Optional.of(subject)))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no session for " + subject));
    }

    private void assertEcrCallsSignedBy(int mark, RoleSession session) {
        List<ControlPlaneCall> ecrCalls = RunAssertions.callsSince(testbed, mark).stream()
                .filter(c -> c.service().equals("ecr")).toList();
        assertThat(ecrCalls).extracting(ControlPlaneCall::operation).contains("GetAuthorizationToken", "CreateRepository");
        assertThat(ecrCalls).allSatisfy(call -> assertThat(call.accessKeyId()).contains(session.accessKeyId()));
    }
}
