package io.ecrflow.http;

import com.sun.net.httpserver.HttpExchange;
import io.ecrflow.UserError;
import io.ecrflow.registry.HttpRegistryClient;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry behind a TLS-intercepting proxy: without the proxy's CA the first handshake fails the run with the
 * fix in the message and nothing is retried; with the CA given as a PEM bundle the same call goes through.
 */
class CaBundleTest {
    @TempDir
    Path folder;
    private SelfSignedHttpsServer registry;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        registry = SelfSignedHttpsServer.start(folder, CaBundleTest::answerTags);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aRegistryCertificateJavaDoesNotTrustFailsAtOnceNamingTheCaBundleInputs() {
        RegistryClient client = HttpRegistryClient.create(java.util.Set.of(), warnings::add);

        assertThatThrownBy(() -> client.tags(registry.host(), new RepositoryName("team/web")))
                .isInstanceOf(UntrustedCertificate.class)
                .hasMessageStartingWith("The certificate of " + registry.host() + " is not trusted by Java")
                .hasMessageContaining("give its CA certificate as a PEM file with the task input 'caBundle', the option "
                        + "--ca-bundle or the AWS_CA_BUNDLE environment variable")
                .satisfies(e -> assertThat(((UserError) e).input()).hasValue("caBundle"));
        assertThat(registry.connections()).as("attempts").isEqualTo(1);
        assertThat(warnings).as("retry warnings").isEmpty();
    }

    @Test
    void withTheCaBundleInstalledTheSameRegistryIsReachedOverHttps() {
        CaBundle bundle = CaBundle.from(Optional.of(registry.caBundle().toString()), Optional.empty(), folder).orElseThrow();
        assertThat(bundle.describe()).isEqualTo("Trusting the 1 CA certificate of " + registry.caBundle()
                + " (--ca-bundle (task input 'caBundle')) besides Java's own.");

        try (CaBundle.Installation trust = bundle.install()) {
            assertThat(CaBundle.installed()).containsSame(bundle);
            RegistryClient client = HttpRegistryClient.create(java.util.Set.of(), warnings::add);
            assertThat(client.tags(registry.host(), new RepositoryName("team/web"))).containsExactly(Tag.of("v1"));
        }
        assertThat(CaBundle.installed()).as("after the run").isEmpty();
    }

    @Test
    void theOptionWinsOverAwsCaBundleAndARelativePathIsTakenFromTheWorkingDirectory() throws IOException {
        Files.copy(registry.caBundle(), folder.resolve("proxy-ca.pem"));

        assertThat(CaBundle.from(Optional.of("proxy-ca.pem"), Optional.of("/nowhere/ca.pem"), folder).orElseThrow().describe())
                .contains(folder.resolve("proxy-ca.pem").toString()).contains("--ca-bundle");
        assertThat(CaBundle.from(Optional.empty(), Optional.of("proxy-ca.pem"), folder).orElseThrow().describe())
                .contains("(AWS_CA_BUNDLE)");
        assertThat(CaBundle.from(Optional.empty(), Optional.empty(), folder)).isEmpty();
    }

    @Test
    void aMissingOrEmptyBundleIsTheUsersErrorNamingTheFileAndWhereItWasGiven() throws IOException {
        Path missing = folder.resolve("missing.pem");
        assertThatThrownBy(() -> CaBundle.from(Optional.of(missing.toString()), Optional.empty(), folder))
                .isInstanceOf(UserError.class)
                .hasMessage("The CA bundle " + missing + " given with --ca-bundle (task input 'caBundle') cannot be used: "
                        + "it does not exist. Give a PEM file holding the certificates of the CAs to trust.");

        Path empty = Files.writeString(folder.resolve("empty.pem"), "# certificates go here\n");
        assertThatThrownBy(() -> CaBundle.from(Optional.empty(), Optional.of(empty.toString()), folder))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("The CA bundle " + empty + " given with AWS_CA_BUNDLE holds no PEM certificate")
                .satisfies(e -> assertThat(((UserError) e).input()).isEmpty());

        assertThatThrownBy(() -> CaBundle.from(Optional.of(folder.toString()), Optional.empty(), folder))
                .hasMessageContaining("cannot be used: it is a folder");

        Path broken = Files.writeString(folder.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CaBundle.from(Optional.of(broken.toString()), Optional.empty(), folder))
                .hasMessageStartingWith("Certificate 1 of the CA bundle " + broken + " given with --ca-bundle");
    }

    private static void answerTags(HttpExchange exchange) throws IOException {
        byte[] body = "{\"name\":\"team/web\",\"tags\":[\"v1\"]}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
