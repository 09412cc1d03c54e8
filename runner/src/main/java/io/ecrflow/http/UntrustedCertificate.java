package io.ecrflow.http;

import io.ecrflow.UserError;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathBuilderException;
import java.util.Optional;

/**
 * A server whose certificate does not chain up to a CA Java trusts (PKIX path building failed): a
 * TLS-intercepting proxy, a company CA, a self-signed registry. It is no network blip, so nothing retries it;
 * the user's fix is to give the CA. The one place that tells such a failure from others, for registry calls and
 * AWS calls alike.
 */
public final class UntrustedCertificate extends UserError {

    private UntrustedCertificate(String host, Throwable cause) {
        super("The certificate of " + host + " is not trusted by Java (" + reason(cause) + "). If a proxy or a "
                + "company CA re-signs TLS on this agent, give its CA certificate as a PEM file with the task input '"
                + CaBundle.INPUT + "', the option --ca-bundle or the " + CaBundle.ENVIRONMENT_VARIABLE
                + " environment variable.", CaBundle.INPUT, cause);
    }

    /** The failure of a TLS call to {@code host}, when it is an untrusted certificate somewhere in {@code failure}'s causes. */
    public static Optional<UntrustedCertificate> find(Throwable failure, String host) {
        for (Throwable current = failure; current != null; current = current.getCause() == current ? null : current.getCause()) {
            if (current instanceof UntrustedCertificate known) {
                return Optional.of(known);
            }
            if (current instanceof SSLHandshakeException handshake && untrusted(handshake)) {
                return Optional.of(new UntrustedCertificate(host, handshake));
            }
        }
        return Optional.empty();
    }

    /** The JDK's PKIX validator: "unable to find valid certification path to requested target". */
    private static boolean untrusted(SSLHandshakeException handshake) {
        for (Throwable current = handshake; current != null; current = current.getCause() == current ? null : current.getCause()) {
            if (current instanceof CertPathBuilderException
                    || String.valueOf(current.getMessage()).contains("unable to find valid certification path")) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable cause) {
        return String.valueOf(cause.getMessage()).contains("PKIX path building failed")
                ? "PKIX path building failed: no trusted CA signed it" : String.valueOf(cause.getMessage());
    }
}
