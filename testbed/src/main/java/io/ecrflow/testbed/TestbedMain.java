package io.ecrflow.testbed;

import io.ecrflow.testbed.net.TestbedTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a testbed until killed, for the demo. The accepted key comes from {@code AWS_ACCESS_KEY_ID}
 * and {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN} if set), never from arguments.
 * With {@code --env-file <path>} it writes the endpoints there once ready, and {@code AWS_CA_BUNDLE}: the test CA
 * its registries' certificate is signed by ({@link TestbedTls}), which clients must trust.
 */
public final class TestbedMain {

    private TestbedMain() {}

    public static void main(String[] args) throws Exception {
        Path envFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--env-file") && i + 1 < args.length) {
                envFile = Path.of(args[++i]);
            } else if (args[i].equals("--help")) {
                System.out.println("Usage: java -jar ecrflow-testbed.jar [--env-file <path>]");
                System.out.println("Accepts the key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).");
                return;
            } else {
                System.err.println("Unknown argument '" + args[i] + "'. Usage: java -jar ecrflow-testbed.jar [--env-file <path>]");
                System.exit(2);
            }
        }
        String keyId = System.getenv("AWS_ACCESS_KEY_ID");
        String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        String token = System.getenv("AWS_SESSION_TOKEN");
        if (keyId == null || keyId.isBlank() || secret == null || secret.isBlank()) {
            System.err.println("Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the key the testbed should accept.");
            System.exit(2);
        }
        TestbedConfig config = token == null || token.isBlank()
                ? TestbedConfig.defaults().withCredentials(keyId, secret)
                : TestbedConfig.defaults().withCredentials(keyId, secret, token);

        Testbed testbed = Testbed.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            testbed.close();
            stopped.countDown();
        }, "ecrflow-testbed-shutdown"));
        if (envFile != null) {
            writeEnvFile(envFile, testbed);
        }
        System.out.println("ecrflow testbed ready: ECR " + testbed.ecrEndpoint() + ", STS " + testbed.stsEndpoint()
                + ", registry " + testbed.registryHost() + ", account " + testbed.accountId());
        stopped.await();
    }

    /** Written whole and then moved into place, so a script waiting for the file never reads half of it. */
    private static void writeEnvFile(Path envFile, Testbed testbed) throws IOException {
        Path absolute = envFile.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Files.writeString(partial, "AWS_ENDPOINT_URL_ECR=" + testbed.ecrEndpoint() + "\n"
                + "AWS_ENDPOINT_URL_STS=" + testbed.stsEndpoint() + "\n"
                + "AWS_ENDPOINT_URL_ECR_PUBLIC=" + testbed.ecrPublicEndpoint() + "\n"
                + "ECRFLOW_TESTBED_REGISTRY=" + testbed.registryHost() + "\n"
                + "AWS_CA_BUNDLE=" + TestbedTls.fromEnvironment().caFile() + "\n");
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
