package io.ecrflow.testbed;

import io.ecrflow.testbed.aws.ActionDenial;
import io.ecrflow.testbed.aws.AllowedCredential;
import io.ecrflow.testbed.aws.IdentityProvider;
import io.ecrflow.testbed.aws.TrustedRole;
import io.ecrflow.testbed.net.TestbedTls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Testbed} starts: the account it pretends to be (and any other accounts whose
 * registries exist next to it), the keys it accepts, the roles callers may assume and the web
 * identity issuers it trusts, how long registry passwords and role sessions stay valid, the ECR
 * Public alias of its account, and which distribution server binary backs it.
 *
 * @param sessionLifetime when set, every role session lasts this long whatever the caller asked for
 * @param denials         ECR actions an explicit deny withholds from an access key or a role ({@link #withDeniedActions})
 * @param clock           the time role sessions are issued at and expire by
 */
public record TestbedConfig(
        String accountId,
        String userName,
        List<AllowedCredential> credentials,
        Duration registryPasswordLifetime,
        Optional<Path> registryBinary,
        List<String> otherAccounts,
        List<TrustedRole> roles,
        List<IdentityProvider> identityProviders,
        Optional<Duration> sessionLifetime,
        String publicRegistryAlias,
        List<ActionDenial> denials,
        InstantSource clock) {

    /** ECR hands out registry passwords valid for 12 hours. */
    public static final Duration ECR_PASSWORD_LIFETIME = Duration.ofHours(12);

    public TestbedConfig {
        requireAccountId(accountId);
        Objects.requireNonNull(userName, "userName");
        credentials = List.copyOf(credentials);
        Objects.requireNonNull(registryPasswordLifetime, "registryPasswordLifetime");
        Objects.requireNonNull(registryBinary, "registryBinary");
        otherAccounts = List.copyOf(otherAccounts);
        otherAccounts.forEach(TestbedConfig::requireAccountId);
        if (otherAccounts.contains(accountId) || otherAccounts.stream().distinct().count() != otherAccounts.size()) {
            throw new IllegalArgumentException("Every account of a testbed must be different: " + accountId + ", " + otherAccounts);
        }
        roles = List.copyOf(roles);
        identityProviders = List.copyOf(identityProviders);
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        if (!publicRegistryAlias.matches("[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*")) {
            throw new IllegalArgumentException("Not an ECR Public registry alias: '" + publicRegistryAlias + "'");
        }
        denials = List.copyOf(denials);
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Account 123456789012, IAM user {@code ecrflow-ci}, no keys, roles or identity providers yet,
     * 12-hour registry passwords, role sessions as long as asked, public registry alias {@code ecrflow-testbed}.
     */
    public static TestbedConfig defaults() {
        return new TestbedConfig("123456789012", "ecrflow-ci", List.of(), ECR_PASSWORD_LIFETIME, Optional.empty(),
                List.of(), List.of(), List.of(), Optional.empty(), "ecrflow-testbed", List.of(), Clock.systemUTC());
    }

    public TestbedConfig withCredentials(String accessKeyId, String secretAccessKey) {
        return withCredential(AllowedCredential.of(accessKeyId, secretAccessKey));
    }

    public TestbedConfig withCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        return withCredential(AllowedCredential.temporary(accessKeyId, secretAccessKey, sessionToken));
    }

    public TestbedConfig withCredential(AllowedCredential credential) {
        return new TestbedConfig(accountId, userName, appended(credentials, credential), registryPasswordLifetime,
                registryBinary, otherAccounts, roles, identityProviders, sessionLifetime, publicRegistryAlias,
                denials, clock);
    }

    public TestbedConfig withUserName(String newUserName) {
        return new TestbedConfig(accountId, newUserName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, identityProviders, sessionLifetime, publicRegistryAlias, denials, clock);
    }

    public TestbedConfig withRegistryPasswordLifetime(Duration lifetime) {
        return new TestbedConfig(accountId, userName, credentials, lifetime, registryBinary, otherAccounts, roles,
                identityProviders, sessionLifetime, publicRegistryAlias, denials, clock);
    }

    /** The distribution server to run; by default {@code docker-registry} from the PATH. */
    public TestbedConfig withRegistryBinary(Path binary) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, Optional.of(binary),
                otherAccounts, roles, identityProviders, sessionLifetime, publicRegistryAlias, denials, clock);
    }

    /** Another account with a registry of its own (its own registry host), for cross-account pushes. */
    public TestbedConfig withOtherAccount(String otherAccountId) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                appended(otherAccounts, otherAccountId), roles, identityProviders, sessionLifetime, publicRegistryAlias,
                denials, clock);
    }

    public TestbedConfig withRole(TrustedRole role) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, appended(roles, role), identityProviders, sessionLifetime, publicRegistryAlias,
                denials, clock);
    }

    public TestbedConfig withIdentityProvider(IdentityProvider provider) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, appended(identityProviders, provider), sessionLifetime, publicRegistryAlias,
                denials, clock);
    }

    /** Makes every role session last {@code lifetime}, so a test can watch credentials expire mid-run. */
    public TestbedConfig withSessionLifetime(Duration lifetime) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, identityProviders, Optional.of(lifetime), publicRegistryAlias, denials, clock);
    }

    public TestbedConfig withPublicRegistryAlias(String alias) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, identityProviders, sessionLifetime, alias, denials, clock);
    }

    /** Role sessions are issued at, and expire by, {@code newClock}'s time rather than the system's. */
    public TestbedConfig withClock(InstantSource newClock) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, identityProviders, sessionLifetime, publicRegistryAlias, denials, newClock);
    }

    /**
     * Denies {@code actions} (such as {@code ecr:InitiateLayerUpload}) to an access key (its id) or a role (its ARN), as an
     * explicit deny in an IAM policy does: the ECR API answers AccessDeniedException, the registry front what ECR answers
     * the registry request that needs the action.
     */
    public TestbedConfig withDeniedActions(String principal, String... actions) {
        return new TestbedConfig(accountId, userName, credentials, registryPasswordLifetime, registryBinary,
                otherAccounts, roles, identityProviders, sessionLifetime, publicRegistryAlias,
                appended(denials, ActionDenial.of(principal, actions)), clock);
    }

    /**
     * The certificates the registry fronts serve HTTPS with: the folder {@code ECRFLOW_TESTBED_TLS} (or the system
     * property {@code ecrflow.testbed.tls}) names; fails, saying what to run, when it is missing.
     */
    public TestbedTls tls() {
        return TestbedTls.fromEnvironment();
    }

    /** Every account the testbed has a registry for, its own first. */
    public List<String> allAccounts() {
        return appended(List.of(), accountId, otherAccounts);
    }

    private static void requireAccountId(String id) {
        if (!id.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("An AWS account id has 12 digits, got '" + id + "'");
        }
    }

    @SafeVarargs
    private static <T> List<T> appended(List<T> list, T item, List<T>... more) {
        List<T> all = new ArrayList<>(list);
        all.add(item);
        for (List<T> rest : more) {
            all.addAll(rest);
        }
        return all;
    }
}
