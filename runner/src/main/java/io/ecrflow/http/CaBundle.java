package io.ecrflow.http;

import io.ecrflow.UserError;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificate authorities a run trusts besides Java's own: a PEM bundle named by {@code --ca-bundle} (task
 * input {@code caBundle}), else by {@code AWS_CA_BUNDLE} as for the aws CLI. A TLS-intercepting proxy or a
 * company CA re-signs what the agent sees, and Java trusts only its own store. One TLS context is made from it
 * for the whole run and serves every TLS call: the runner's {@link HttpCall}s (registries, Azure DevOps, Teams)
 * through the JDK's default, and the AWS SDK's clients, which make their own, through {@link #installed()}.
 */
public final class CaBundle {
    public static final String INPUT = "caBundle";
    public static final String ENVIRONMENT_VARIABLE = "AWS_CA_BUNDLE";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
    private static volatile CaBundle installed;

    private final Path file;
    private final String source;
    private final int certificates;
    private final X509TrustManager trustManager;
    private final SSLContext context;

    private CaBundle(Path file, String source, int certificates, X509TrustManager trustManager, SSLContext context) {
        this.file = file;
        this.source = source;
        this.certificates = certificates;
        this.trustManager = trustManager;
        this.context = context;
    }

    /**
     * The bundle the run is given, if any: {@code option} (the value of {@code --ca-bundle}) wins over
     * {@code AWS_CA_BUNDLE}; a relative path is taken from {@code workingDirectory}.
     *
     * @throws UserError when the file is missing, unreadable, or holds no certificate, naming it and where it was given
     */
    public static Optional<CaBundle> from(Optional<String> option, Optional<String> environmentVariable, Path workingDirectory) {
        if (option.isPresent()) {
            return Optional.of(load(workingDirectory.resolve(option.get().trim()), "--ca-bundle (task input '" + INPUT + "')", INPUT));
        }
        return environmentVariable.map(value -> load(workingDirectory.resolve(value.trim()), ENVIRONMENT_VARIABLE, null));
    }

    /** The bundle serving the run now, for HTTP clients that make their own TLS context (the AWS SDK's). */
    public static Optional<CaBundle> installed() {
        return Optional.ofNullable(installed);
    }

    /** Java's CAs and the bundle's, as one trust manager (for the AWS SDK's {@code tlsTrustManagersProvider}). */
    public TrustManager[] trustManagers() {
        return new TrustManager[] {trustManager};
    }

    /** One line for the log. */
    public String describe() {
        return "Trusting the " + certificates + " CA certificate" + (certificates == 1 ? "" : "s") + " of " + file
                + " (" + source + ") besides Java's own.";
    }

    /**
     * Makes this bundle the process's trust for the run: the JDK's default TLS context and {@link #installed()}.
     * Closing the handle puts back what was there, for a caller that runs several commands in one JVM.
     */
    public Installation install() {
        SSLSocketFactory previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
        SSLContext previousContext = defaultContext();
        CaBundle previous = installed;
        HttpsURLConnection.setDefaultSSLSocketFactory(context.getSocketFactory());
        SSLContext.setDefault(context);
        installed = this;
        return () -> {
            HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
            SSLContext.setDefault(previousContext);
            installed = previous;
        };
    }

    /** The end of a bundle's installation; closing it never fails. */
    @FunctionalInterface
    public interface Installation extends AutoCloseable {
        Installation NONE = () -> { };

        @Override
        void close();
    }

    private static CaBundle load(Path file, String source, String input) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            String why = Files.isDirectory(file) ? "it is a folder" : Files.exists(file) ? "it cannot be read (" + e + ")"
                    : "it does not exist";
            throw new UserError("The CA bundle " + file + " given with " + source + " cannot be used: " + why
                    + ". Give a PEM file holding the certificates of the CAs to trust.", input, e);
        }
        List<X509Certificate> certificates = certificates(text, file, source, input);
        if (certificates.isEmpty()) {
            throw new UserError("The CA bundle " + file + " given with " + source + " holds no PEM certificate "
                    + "(-----BEGIN CERTIFICATE-----). Give a PEM file holding the certificates of the CAs to trust.", input);
        }
        try {
            X509TrustManager trustManager = trustManager(certificates);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return new CaBundle(file, source, certificates.size(), trustManager, context);
        } catch (GeneralSecurityException | IOException e) {
            throw new UserError("The CA bundle " + file + " given with " + source + " cannot be used: " + e.getMessage(), input, e);
        }
    }

    private static List<X509Certificate> certificates(String text, Path file, String source, String input) {
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            try {
                byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
                certificates.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new UserError("Certificate " + (certificates.size() + 1) + " of the CA bundle " + file + " given with "
                        + source + " is not a valid X.509 certificate (" + e.getMessage() + ").", input, e);
            }
        }
        return certificates;
    }

    /** Java's own trusted CAs (the JVM's trust store) with the bundle's added. */
    private static X509TrustManager trustManager(List<X509Certificate> bundle) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<Certificate> all = new ArrayList<>(List.of(javasOwn().getAcceptedIssuers()));
        all.addAll(bundle);
        for (int i = 0; i < all.size(); i++) {
            store.setCertificateEntry("ca-" + i, all.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return x509(factory.getTrustManagers());
    }

    private static X509TrustManager javasOwn() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return x509(factory.getTrustManagers());
    }

    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java has no default TLS context", e);
        }
    }
}
