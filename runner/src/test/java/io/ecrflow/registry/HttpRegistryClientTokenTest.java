package io.ecrflow.registry;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bearer-token flow of Docker Hub and MCR, against a token-issuing registry on loopback (the test bed
 * has no real registry set up for token auth).
 */
class HttpRegistryClientTokenTest {
    private TokenAuthRegistry server;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TokenAuthRegistry();
        client = HttpRegistryClient.create(Set.of(server.host()), line -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ImageRef ref(String repository, String tag) {
        return ImageRef.tagged(server.host(), new RepositoryName(repository), Tag.of(tag));
    }

    @Test
    void anAnonymousTokenResolvesAMultiArchTagToItsIndexDigest() {
        var digest = client.manifestDigest(ref("dotnet/runtime", "1.0"));

        assertThat(digest).hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo(TokenAuthRegistry.digestOf(server.index)));
        assertThat(server.tokenRequests).singleElement().asString()
                .contains("service=test-registry").contains("scope=repository%3Adotnet%2Fruntime%3Apull")
                .doesNotContain("Basic");
        assertThat(server.acceptHeaders).allSatisfy(accept -> assertThat(accept)
                .contains(Manifest.OCI_INDEX, Manifest.DOCKER_LIST, Manifest.OCI_IMAGE, Manifest.DOCKER_IMAGE));
    }

    @Test
    void theTokenIsKeptForTheFollowingCallsToTheSameRepository() {
        client.manifestDigest(ref("dotnet/runtime", "1.0"));
        client.manifest(ref("dotnet/runtime", "1.0"));
        client.tags(server.host(), new RepositoryName("dotnet/runtime"));

        assertThat(server.tokenRequests).hasSize(1);
    }

    @Test
    void aPrivateRepositoryGetsItsTokenWithTheUsersCredentials() {
        RegistryClient withLogin = client.withCredential(new RegistryCredential(server.host(), TokenAuthRegistry.USER,
                Secret.of(TokenAuthRegistry.PASSWORD), Instant.MAX));

        assertThat(withLogin.manifestDigest(ref(TokenAuthRegistry.PRIVATE_REPOSITORY, "1.0"))).isPresent();
        assertThat(server.tokenRequests).singleElement().asString().endsWith("with Basic");
    }

    @Test
    void aPrivateRepositoryWithoutCredentialsSaysWhichInputsToSet() {
        assertThatThrownBy(() -> client.manifestDigest(ref(TokenAuthRegistry.PRIVATE_REPOSITORY, "1.0")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("refused a token").hasMessageContaining("upstreamUsername")
                .hasMessageContaining("INPUT_UPSTREAMPASSWORD");
    }

    @Test
    void wrongCredentialsAreNamedWithoutRepeatingThePassword() {
        RegistryClient withLogin = client.withCredential(new RegistryCredential(server.host(), TokenAuthRegistry.USER,
                Secret.of("wrong-password-123"), Instant.MAX));

        assertThatThrownBy(() -> withLogin.manifestDigest(ref(TokenAuthRegistry.PRIVATE_REPOSITORY, "1.0")))
                .hasMessageContaining("check the user name and password").hasMessageNotContaining("wrong-password-123");
    }

    @Test
    void labelsComeFromTheIndexsImageConfigAndBlobRedirectsLeaveTheTokenBehind() {
        ImageLabels labels = ImageLabels.read(client, ref("dotnet/runtime", "1.0"));

        assertThat(labels.digest().toString()).isEqualTo(TokenAuthRegistry.digestOf(server.index));
        assertThat(labels.labels()).containsEntry("org.opencontainers.image.base.name", "upstream/os:1");
        assertThat(server.storageAuthorizations).containsExactly("none");
    }

    @Test
    void tagListsFollowTheNextPageLink() {
        assertThat(client.tags(server.host(), new RepositoryName("dotnet/runtime")))
                .extracting(Tag::value).containsExactly("a", "b", "c");
    }

    @Test
    void aNextPageLinkThatIsAWholeUrlOfTheRegistryIsFollowed() {
        server.linkHost = "http://" + server.host();

        assertThat(client.tags(server.host(), new RepositoryName("dotnet/runtime")))
                .extracting(Tag::value).containsExactly("a", "b", "c");
    }

    @Test
    void aNextPageLinkToAnotherHostIsNotFollowedWithTheRegistrysLogin() {
        server.linkHost = "http://127.0.0.2:9";

        assertThatThrownBy(() -> client.tags(server.host(), new RepositoryName("dotnet/runtime")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("pointed the next page of the tag list of dotnet/runtime at another host (127.0.0.2:9)");
    }

    @Test
    void aTokenRefusedAs400DeniedWithoutAChallengeIsRenewedOnceAndTheCallRepeated() {
        List<String> warnings = new ArrayList<>();
        RegistryClient warned = HttpRegistryClient.create(Set.of(server.host()), warnings::add);
        warned.manifestDigest(ref("dotnet/runtime", "1.0"));
        server.expireTokens();

        assertThat(warned.manifest(ref("dotnet/runtime", "1.0")).digest().toString())
                .isEqualTo(TokenAuthRegistry.digestOf(server.index));
        assertThat(server.tokenRequests).hasSize(2);
        assertThat(warnings).singleElement().asString().contains("refused the token for dotnet/runtime as no longer valid")
                .contains("DENIED: Your Authorization Token is invalid.");
    }

    @Test
    void aNewTokenRefusedAgainFailsSayingWhat() {
        client.manifestDigest(ref("dotnet/runtime", "1.0"));
        server.refuseEveryToken = true;

        assertThatThrownBy(() -> client.manifest(ref("dotnet/runtime", "1.0")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("refused a token it had just issued for dotnet/runtime")
                .hasMessageContaining("400 (DENIED: Your Authorization Token is invalid.)");
        assertThat(server.tokenRequests).hasSize(2);
    }

    @Test
    void aMissingTagIsEmptyNotAnError() {
        assertThat(client.manifestDigest(ref("dotnet/runtime", "9.9"))).isEmpty();
    }
}
