package io.ecrflow.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS server on loopback whose certificate no CA signed: it stands for a registry behind a TLS-intercepting
 * proxy. The key pair is made by the JDK's keytool when the test starts, so no key material is kept in the
 * repository; {@link #caBundle()} is its certificate as PEM, the file a user would give as the CA bundle.
 */
public final class SelfSignedHttpsServer implements AutoCloseable {
    private static final String PASSWORD = "ecrflow-test";
    private static Path keyStore;

    private final HttpsServer server;
    private final Path caBundle;
    private final AtomicInteger connections = new AtomicInteger();

    private SelfSignedHttpsServer(HttpsServer server, Path caBundle) {
        this.server = server;
        this.caBundle = caBundle;
    }

    /** Starts a server; the key pair is made once for the test run (keytool takes a second or two). */
    public static SelfSignedHttpsServer start(Path folder, HttpHandler handler) throws IOException, InterruptedException,
            GeneralSecurityException {
        Path keyStore = keyStore();
        Path pem = Files.copy(keyStore.resolveSibling("company-ca.pem"), folder.resolve("company-ca.pem"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        SelfSignedHttpsServer started = new SelfSignedHttpsServer(server, pem);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                // called once for every connection the server accepts, before its handshake
                started.connections.incrementAndGet();
                super.configure(parameters);
            }
        });
        server.createContext("/", handler);
        server.start();
        return started;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The server's certificate as a PEM file. */
    public Path caBundle() {
        return caBundle;
    }

    /** Connections accepted so far: each attempt of a client that retries opens one. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static synchronized Path keyStore() throws IOException, InterruptedException {
        if (keyStore == null) {
            Path folder = Files.createTempDirectory("ecrflow-tls");
            Path store = folder.resolve("server.p12");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", folder.resolve("company-ca.pem").toString());
            List.of(store, folder.resolve("company-ca.pem"), folder).forEach(path -> path.toFile().deleteOnExit());
            keyStore = store;
        }
        return keyStore;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
