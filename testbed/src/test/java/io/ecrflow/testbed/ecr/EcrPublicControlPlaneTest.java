package io.ecrflow.testbed.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.AwsClients;
import io.ecrflow.testbed.Testbed;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.net.TestbedTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecrpublic.EcrPublicClient;
import software.amazon.awssdk.services.ecrpublic.model.AuthorizationData;
import software.amazon.awssdk.services.ecrpublic.model.CreateRepositoryResponse;
import software.amazon.awssdk.services.ecrpublic.model.Registry;
import software.amazon.awssdk.services.ecrpublic.model.RegistryAliasStatus;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryCatalogData;
import software.amazon.awssdk.services.ecrpublic.model.RepositoryNotFoundException;

/** ECR Public's control plane, driven by the real SDK's {@code EcrPublicClient}. */
class EcrPublicControlPlaneTest {

    private static Testbed testbed;
    private static EcrPublicClient ecrPublic;
    private static final HttpClient http = TestbedTls.fromEnvironment().httpClient().build();

    @BeforeAll
    static void start() {
        testbed = Testbed.start(AwsClients.config().withPublicRegistryAlias("k7x2m9q4"));
        ecrPublic = EcrPublicClient.builder()
                .endpointOverride(testbed.ecrPublicEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AwsClients.KEY_ID, AwsClients.SECRET)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        ecrPublic.close();
        testbed.close();
    }

    @Test
    void theRegistryNamesItsAliasAndUri() {
        Registry registry = ecrPublic.describeRegistries(r -> { }).registries().get(0);

        assertThat(registry.registryId()).isEqualTo("123456789012");
        assertThat(registry.registryUri()).isEqualTo(testbed.publicRegistryHost() + "/k7x2m9q4");
        assertThat(registry.aliases()).singleElement().satisfies(alias -> {
            assertThat(alias.name()).isEqualTo("k7x2m9q4");
            assertThat(alias.status()).isEqualTo(RegistryAliasStatus.ACTIVE);
            assertThat(alias.primaryRegistryAlias()).isTrue();
        });
        assertThat(testbed.publicRegistryAlias()).isEqualTo("k7x2m9q4");
        assertThat(testbed.calls()).last().satisfies(call -> {
            assertThat(call.service()).isEqualTo("ecr-public");
            assertThat(call.operation()).isEqualTo("DescribeRegistries");
            assertThat(call.region()).contains("us-east-1");
        });
    }

    @Test
    void theLoginTokenIsAnIssuedRegistryPasswordForUserAws() {
        AuthorizationData data = ecrPublic.getAuthorizationToken(r -> { }).authorizationData();

        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        assertThat(decoded).startsWith("AWS:");
        assertThat(testbed.issuedRegistryPasswords()).contains(decoded.substring(4));
        assertThat(data.expiresAt()).isAfter(Instant.now().plusSeconds(11 * 3600));
    }

    @Test
    void aRepositoryIsCreatedWithItsCatalogDataAndTheCatalogCanBeReplaced() {
        CreateRepositoryResponse created = ecrPublic.createRepository(r -> r.repositoryName("tools/cli")
                .catalogData(c -> c.description("A small CLI").aboutText("# About").usageText("docker run ...")
                        .operatingSystems("Linux").architectures("x86-64", "ARM 64"))
                .tags(t -> t.key("team").value("tools")));

        assertThat(created.repository().repositoryUri()).isEqualTo(testbed.publicRegistryHost() + "/k7x2m9q4/tools/cli");
        assertThat(created.repository().repositoryArn()).isEqualTo("arn:aws:ecr-public::123456789012:repository/tools/cli");
        assertThat(created.catalogData().description()).isEqualTo("A small CLI");
        assertThat(ecrPublic.describeRepositories(r -> r.repositoryNames("tools/cli")).repositories())
                .containsExactly(created.repository());

        ecrPublic.putRepositoryCatalogData(r -> r.repositoryName("tools/cli")
                .catalogData(c -> c.description("A smaller CLI").architectures("ARM 64")));

        RepositoryCatalogData catalog = ecrPublic.getRepositoryCatalogData(r -> r.repositoryName("tools/cli")).catalogData();
        assertThat(catalog.description()).isEqualTo("A smaller CLI");
        assertThat(catalog.architectures()).containsExactly("ARM 64");
        assertThat(catalog.aboutText()).isNull();
        PublicRepositoryState state = testbed.publicRepository("tools/cli").orElseThrow();
        assertThat(state.catalogData().description()).contains("A smaller CLI");
        assertThat(state.tags()).containsEntry("team", "tools");
        assertThat(testbed.repository("tools/cli")).as("public repositories are not private ones").isEmpty();
    }

    @Test
    void thePublicRegistryTakesBearerTokensOnlyAndAnswersAnInvalidOneWith400AndNoChallenge() throws Exception {
        String password = new String(Base64.getDecoder().decode(ecrPublic.getAuthorizationToken(r -> { })
                .authorizationData().authorizationToken()), StandardCharsets.UTF_8).substring("AWS:".length());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));

        for (var request : List.of(registryRequest("/v2/"), registryRequest("/v2/").header("Authorization", basic))) {
            HttpResponse<String> challenged = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(challenged.statusCode()).isEqualTo(401);
            assertThat(challenged.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"https://"
                    + testbed.publicRegistryHost() + "/token/\",service=\"public.ecr.aws\",scope=\"aws\"");
        }
        HttpResponse<String> token = http.send(registryRequest("/token/?service=public.ecr.aws&scope=aws")
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).isEqualTo(200);
        String bearer = Json.MAPPER.readTree(token.body()).path("token").asText();
        assertThat(testbed.issuedPublicRegistryTokens()).contains(bearer);
        assertThat(http.send(registryRequest("/v2/").header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        HttpResponse<String> invalid = http.send(registryRequest("/v2/").header("Authorization", "Bearer " + bearer + "x")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(invalid.body()).isEqualTo("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your Authorization Token is invalid.\"}]}");
        assertThat(http.send(registryRequest("/token/?service=public.ecr.aws&scope=aws").header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("AWS:guess".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("https://" + testbed.registryHost() + "/v2/"))
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("the private registry takes ECR's Basic auth, not ECR Public's tokens").isEqualTo(401);
    }

    private static HttpRequest.Builder registryRequest(String path) {
        return HttpRequest.newBuilder(URI.create("https://" + testbed.publicRegistryHost() + path)).GET();
    }

    @Test
    void aMissingRepositoryIsNotFoundAndADuplicateIsRefused() {
        assertThatThrownBy(() -> ecrPublic.describeRepositories(r -> r.repositoryNames("absent/app")))
                .isInstanceOf(RepositoryNotFoundException.class);
        assertThatThrownBy(() -> ecrPublic.putRepositoryCatalogData(r -> r.repositoryName("absent/app")
                .catalogData(c -> c.description("x")))).isInstanceOf(RepositoryNotFoundException.class);

        ecrPublic.createRepository(r -> r.repositoryName("twice"));

        assertThatThrownBy(() -> ecrPublic.createRepository(r -> r.repositoryName("twice")))
                .isInstanceOf(RepositoryAlreadyExistsException.class);
        assertThat(testbed.publicRepository("twice")).map(PublicRepositoryState::catalogData)
                .map(PublicCatalogData::operatingSystems).isEqualTo(Optional.of(List.of()));
    }
}
