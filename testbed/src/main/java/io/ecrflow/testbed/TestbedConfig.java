package io.ecrflow.testbed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Testbed} starts: the account it pretends to be, the keys it accepts, how long the
 * registry passwords it issues stay valid, and which distribution server binary backs it.
 */
public record TestbedConfig(
        String accountId,
        String userName,
        List<AllowedCredential> credentials,
        Duration registryPasswordLifetime,
        Optional<Path> registryBinary) {

    /** ECR hands out registry passwords valid for 12 hours. */
    public static final Duration ECR_PASSWORD_LIFETIME = Duration.ofHours(12);

    public TestbedConfig {
        if (!accountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("An AWS account id has 12 digits, got '" + accountId + "'");
        }
        Objects.requireNonNull(userName, "userName");
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(registryPasswordLifetime, "registryPasswordLifetime");
        Objects.requireNonNull(registryBinary, "registryBinary");
    }

    /** Account 123456789012, IAM user {@code ecrflow-ci}, no keys yet, 12-hour registry passwords. */
    public static TestbedConfig defaults() {
        return new TestbedConfig("123456789012", "ecrflow-ci", List.of(), ECR_PASSWORD_LIFETIME, Optional.empty());
    }

    public TestbedConfig withCredentials(String accessKeyId, String secretAccessKey) {
        return withCredential(AllowedCredential.of(accessKeyId, secretAccessKey));
    }

    public TestbedConfig withCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        return withCredential(AllowedCredential.temporary(accessKeyId, secretAccessKey, sessionToken));
    }

    public TestbedConfig withCredential(AllowedCredential credential) {
        List<AllowedCredential> all = new ArrayList<>(credentials);
        all.add(credential);
        return new TestbedConfig(accountId, userName, all, registryPasswordLifetime, registryBinary);
    }

    public TestbedConfig withAccountId(String newAccountId) {
        return new TestbedConfig(newAccountId, userName, credentials, registryPasswordLifetime, registryBinary);
    }

    public TestbedConfig withUserName(String newUserName) {
        return new TestbedConfig(accountId, newUserName, credentials, registryPasswordLifetime, registryBinary);
    }

    public TestbedConfig withRegistryPasswordLifetime(Duration lifetime) {
        return new TestbedConfig(accountId, userName, credentials, lifetime, registryBinary);
    }

    /** The distribution server to run; by default {@code docker-registry} from the PATH. */
    public TestbedConfig withRegistryBinary(Path binary) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, Optional.of(binary));
    }
}
