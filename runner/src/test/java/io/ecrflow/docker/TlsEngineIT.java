package io.ecrflow.docker;

import io.ecrflow.UserError;
import io.ecrflow.testbed.neighbours.EngineFront;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, against the real engine behind a TLS front that demands a
 * client certificate, as a remote engine set up by the docker documentation does. The certificates come
 * from a certificate authority made for the test.
 */
class TlsEngineIT {
    @TempDir
    Path certs;

    private EngineFront front;

    @AfterEach
    void stopFront() throws Exception {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void anEngineBehindTlsAnswersWithAPkcs8ClientKey() throws Exception {
        Authority ca = new Authority("ecrflow test CA");
        startFront(ca, ca);
        writeClientFiles(ca, pkcs8(ca.clientKey.getPrivate()));

        try (DockerJavaEngine engine = DockerJavaEngine.connect(tlsEnvironment())) {
            engine.ping();
            assertThat(engine.connection().client().versionCmd().exec().getApiVersion()).isNotBlank();
        }
    }

    @Test
    void aPkcs1RsaKeyAsOlderOpensslWritesItWorksToo() throws Exception {
        Authority ca = new Authority("ecrflow test CA");
        startFront(ca, ca);
        byte[] pkcs1 = PrivateKeyInfo.getInstance(ca.clientKey.getPrivate().getEncoded()).parsePrivateKey()
                .toASN1Primitive().getEncoded();
        writeClientFiles(ca, pem("RSA PRIVATE KEY", pkcs1));

        try (DockerJavaEngine engine = DockerJavaEngine.connect(tlsEnvironment())) {
            engine.ping();
        }
    }

    @Test
    void anEngineWhoseCertificateTheCaDoesNotVouchForIsRefused() throws Exception {
        Authority ours = new Authority("ecrflow test CA");
        Authority impostor = new Authority("someone else's CA");
        startFront(impostor, ours);
        writeClientFiles(ours, pkcs8(ours.clientKey.getPrivate()));

        try (DockerJavaEngine engine = DockerJavaEngine.connect(tlsEnvironment())) {
            assertThatThrownBy(engine::ping).isInstanceOf(UserError.class)
                    .hasMessageContaining("No Docker Engine is reachable at tcp://127.0.0.1:" + front.port());
        }
    }

    @Test
    void missingFilesNameTheFolderAndTheVariables() {
        assertThatThrownBy(() -> DockerJavaEngine.connect(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString())))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("DOCKER_TLS_VERIFY is set but " + certs + " (DOCKER_CERT_PATH) has no ca.pem, cert.pem, key.pem");
    }

    @Test
    void anEcKeyInSec1FormSaysHowToConvertIt() throws Exception {
        Authority ca = new Authority("ecrflow test CA");
        writeClientFiles(ca, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> DockerJavaEngine.connect(tlsEnvironment()))
                .isInstanceOf(UserError.class).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    private Map<String, String> tlsEnvironment() {
        int port = front == null ? 2376 : front.port();
        return Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString());
    }

    private void writeClientFiles(Authority ca, String keyPem) throws Exception {
        Files.writeString(certs.resolve("ca.pem"), pem("CERTIFICATE", ca.certificate.getEncoded()));
        Files.writeString(certs.resolve("cert.pem"), pem("CERTIFICATE", ca.clientCertificate.getEncoded()));
        Files.writeString(certs.resolve("key.pem"), keyPem);
    }

    /** The engine behind TLS with a certificate from {@code serverCa}, demanding a client certificate from {@code clientCa}. */
    private void startFront(Authority serverCa, Authority clientCa) throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", serverCa.serverKey.getPrivate(), new char[0],
                new X509Certificate[] {serverCa.serverCertificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", clientCa.certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        front = EngineFront.tls(context);
    }

    private static String pkcs8(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A certificate authority with an engine (server) certificate for 127.0.0.1 and a client certificate. */
    private static final class Authority {
        final X509Certificate certificate;
        final KeyPair serverKey = rsa();
        final X509Certificate serverCertificate;
        final KeyPair clientKey = rsa();
        final X509Certificate clientCertificate;

        Authority(String name) throws Exception {
            KeyPair caKey = rsa();
            X500Name issuer = new X500Name("CN=" + name);
            certificate = sign(issuer, issuer, caKey, caKey,
                    builder -> builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
            serverCertificate = sign(issuer, new X500Name("CN=127.0.0.1"), caKey, serverKey, builder -> builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))));
            clientCertificate = sign(issuer, new X500Name("CN=ecrflow client"), caKey, clientKey, builder -> builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
        }

        interface Extensions {
            void add(X509v3CertificateBuilder builder) throws Exception;
        }

        private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair issuerKey, KeyPair subjectKey,
                                            Extensions extensions) throws Exception {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject,
                    subjectKey.getPublic());
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate())));
        }

        private static KeyPair rsa() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
