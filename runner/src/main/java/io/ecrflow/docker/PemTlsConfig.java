package io.ecrflow.docker;

import com.github.dockerjava.transport.SSLConfig;
import io.ecrflow.UserError;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * TLS to a remote Docker Engine the way the docker CLI sets it up with {@code DOCKER_TLS_VERIFY}: the
 * engine's certificate checked against {@code ca.pem}, and this client known by {@code cert.pem} and
 * {@code key.pem}, all in {@code DOCKER_CERT_PATH}. Read with the JDK alone: PKCS#8 keys (RSA or EC, what
 * OpenSSL 3 writes) and PKCS#1 RSA keys (what older OpenSSL and docker-machine write).
 */
final class PemTlsConfig implements SSLConfig {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");
    // DER of the PKCS#8 wrapping of an RSA key: version 0 and the rsaEncryption algorithm identifier.
    private static final byte[] RSA_ALGORITHM = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private final Path folder;
    private final SSLContext context;

    private PemTlsConfig(Path folder) {
        this.folder = folder;
        this.context = load();
    }

    /** Reads the three files now, so that a problem with them is reported before anything else happens. */
    static PemTlsConfig from(Path folder) {
        return new PemTlsConfig(folder);
    }

    @Override
    public SSLContext getSSLContext() {
        return context;
    }

    private SSLContext load() {
        List<String> missing = Stream.of("ca.pem", "cert.pem", "key.pem")
                .filter(name -> !Files.isRegularFile(folder.resolve(name))).toList();
        if (!missing.isEmpty()) {
            throw new UserError("DOCKER_TLS_VERIFY is set but " + folder + " (DOCKER_CERT_PATH) has no "
                    + String.join(", ", missing) + ". Point DOCKER_CERT_PATH at the folder with ca.pem, cert.pem and "
                    + "key.pem (the docker CLI's default is ~/.docker).");
        }
        try {
            char[] password = new char[0];
            List<Certificate> chain = certificates("cert.pem");
            KeyStore identity = KeyStore.getInstance(KeyStore.getDefaultType());
            identity.load(null, null);
            identity.setKeyEntry("client", privateKey(), password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, password);

            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            List<Certificate> authorities = certificates("ca.pem");
            for (int i = 0; i < authorities.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new UserError("The TLS files in " + folder + " (DOCKER_CERT_PATH) are not usable: " + e.getMessage()
                    + ". It needs ca.pem, cert.pem and key.pem as the docker CLI uses them.", null, e);
        }
    }

    private List<Certificate> certificates(String name) throws IOException, GeneralSecurityException {
        byte[] pem = read(name);
        List<Certificate> certificates = new ArrayList<>(
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
        if (certificates.isEmpty()) {
            throw new UserError(folder.resolve(name) + " (DOCKER_CERT_PATH) holds no certificate.");
        }
        return certificates;
    }

    private PrivateKey privateKey() throws IOException, GeneralSecurityException {
        Path file = folder.resolve("key.pem");
        Matcher block = PEM.matcher(new String(read("key.pem"), StandardCharsets.US_ASCII));
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaAsPkcs8(der)));
                case "EC PRIVATE KEY":
                    throw new UserError(file + " holds an EC key in SEC1 form; convert it to PKCS#8 with "
                            + "`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pem.new` and use that.");
                case "ENCRYPTED PRIVATE KEY":
                    throw new UserError(file + " is encrypted with a password; the docker CLI needs it unencrypted too.");
                default:
                    // EC PARAMETERS and the like come before the key: look further
            }
        }
        throw new UserError(file + " (DOCKER_CERT_PATH) holds no private key.");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new UserError(file + " holds a private key of a kind that is neither RSA, EC nor Ed25519.");
    }

    /** Wraps a PKCS#1 RSAPrivateKey into PKCS#8's PrivateKeyInfo, which the JDK reads. */
    static byte[] rsaAsPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(0x30);
        writeLength(info, body.size());
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((length >>> (8 * i)) & 0xff);
        }
    }

    private byte[] read(String name) throws IOException {
        return Files.readAllBytes(folder.resolve(name));
    }
}
