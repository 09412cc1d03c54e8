package io.ecrflow.testbed.net;

import io.ecrflow.testbed.neighbours.AzureDevOpsFront;
import io.ecrflow.testbed.registry.LocalRegistry;
import io.ecrflow.testbed.registry.UpstreamFront;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The host names the test bed's fronts answer under, shaped like the real ones so that clients meet them as
 * they meet ECR. They must match {@code ECRFLOW_TESTBED_NAMES} in scripts/lib/test-tls.sh, which puts them
 * in /etc/hosts (127.0.0.1) and in the test certificate.
 */
public final class TestbedNames {
    /** The region of the registry names; the test bed's registries answer for every region alike. */
    static final String REGION = "us-east-1";
    /** The registry that stands in for an upstream one such as MCR ({@link LocalRegistry}, {@link UpstreamFront}). */
    public static final String UPSTREAM = "upstream.ecrflow.test";
    /** The Azure DevOps collection ({@link AzureDevOpsFront}). */
    public static final String AZURE_DEVOPS = "dev.azure.ecrflow.test";

    private TestbedNames() {}

    /** An account's private registry: {@code <account>.dkr.ecr.us-east-1.ecrflow.test}, as ECR's {@code .amazonaws.com}. */
    public static String registry(String accountId) {
        return accountId + ".dkr.ecr." + REGION + ".ecrflow.test";
    }

    /** Fails, saying what to run, unless {@code name} resolves to loopback only. */
    public static String requireLoopback(String name) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw notSetUp(name, "does not resolve");
        }
        if (!Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress)) {
            throw notSetUp(name, "resolves to " + Arrays.toString(addresses) + ", not to 127.0.0.1");
        }
        return name;
    }

    private static IllegalStateException notSetUp(String name, String problem) {
        return new IllegalStateException("The test bed's host name " + name + " " + problem + ". Put the test bed's names "
                + "into /etc/hosts (as root): source scripts/lib/testbed-services.sh && ecrflow_testbed_names "
                + "(scripts/lib/test-tls.sh; add a name missing there to ECRFLOW_TESTBED_NAMES).");
    }
}
