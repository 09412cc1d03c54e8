package io.ecrflow.testbed.net;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/**
 * The test bed's TLS material, made by {@code ecrflow_test_tls} (scripts/lib/test-tls.sh): a test CA and one
 * server certificate for every name of {@link TestbedNames}. Fronts serve HTTPS with it; tests trust the CA
 * through {@link #clientContext()} rather than a JVM-wide trust store. The folder comes from the environment
 * variable {@code ECRFLOW_TESTBED_TLS}, else the system property {@code ecrflow.testbed.tls}.
 */
public final class TestbedTls {
    public static final String ENVIRONMENT_VARIABLE = "ECRFLOW_TESTBED_TLS";
    public static final String SYSTEM_PROPERTY = "ecrflow.testbed.tls";
    /** The password of {@code registry.p12}; a test key, it guards nothing. */
    private static final char[] KEYSTORE_PASSWORD = "ecrflow-testbed".toCharArray();

    private static TestbedTls current;

    private final Path folder;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private TestbedTls(Path folder, SSLContext serverContext, SSLContext clientContext) {
        this.folder = folder;
        this.serverContext = serverContext;
        this.clientContext = clientContext;
    }

    /** The folder the environment names, loaded once; fails with what to run when it is missing. */
    public static synchronized TestbedTls fromEnvironment() {
        String configured = System.getenv(ENVIRONMENT_VARIABLE);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty(SYSTEM_PROPERTY);
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("The test bed serves HTTPS and needs its certificates: set "
                    + ENVIRONMENT_VARIABLE + " to the folder ecrflow_test_tls makes (run: source "
                    + "scripts/lib/testbed-services.sh && ecrflow_test_tls; see scripts/lib/test-tls.sh).");
        }
        Path folder = Path.of(configured).toAbsolutePath();
        if (current == null || !current.folder.equals(folder)) {
            current = load(folder);
        }
        return current;
    }

    private static TestbedTls load(Path folder) {
        Path keyStore = folder.resolve("registry.p12");
        Path ca = folder.resolve("ca.pem");
        if (!Files.isReadable(keyStore) || !Files.isReadable(ca)) {
            throw new IllegalStateException("The test bed's certificates are missing in " + folder + " (registry.p12, "
                    + "ca.pem); make them with: source scripts/lib/testbed-services.sh && ecrflow_test_tls "
                    + "(scripts/lib/test-tls.sh).");
        }
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                keys.load(in, KEYSTORE_PASSWORD);
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, KEYSTORE_PASSWORD);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keyManagers.getKeyManagers(), null, null);

            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            try (InputStream in = Files.newInputStream(ca)) {
                trusted.setCertificateEntry("ecrflow-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trustManagers.getTrustManagers(), null);
            return new TestbedTls(folder, server, client);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the test bed's certificates in " + folder, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The test bed's certificates in " + folder + " are unusable (" + e.getMessage()
                    + "); delete the folder and run ecrflow_test_tls again (scripts/lib/test-tls.sh).", e);
        }
    }

    /** The folder: {@code ca.pem}, {@code registry.pem}, {@code registry-key.pem}, {@code registry.p12}, {@code bundle.pem}. */
    public Path folder() {
        return folder;
    }

    /** The test CA's certificate (PEM), for {@code AWS_CA_BUNDLE} and the task input caBundle. */
    public Path caFile() {
        return folder.resolve("ca.pem");
    }

    public Path certificateFile() {
        return folder.resolve("registry.pem");
    }

    public Path keyFile() {
        return folder.resolve("registry-key.pem");
    }

    /** Trusts the test CA (only): for clients in tests that talk to the fronts. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /** An HTTP/1.1 client that trusts the test CA, for tests that talk to the fronts themselves. */
    public HttpClient.Builder httpClient() {
        return HttpClient.newBuilder().sslContext(clientContext).version(HttpClient.Version.HTTP_1_1);
    }

    /** An HTTPS server on a free loopback port with the test bed's certificate; not started. */
    public HttpsServer httpsServer(int backlog) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), backlog);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        return server;
    }
}
