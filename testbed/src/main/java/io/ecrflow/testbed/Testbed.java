package io.ecrflow.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A stand-in for Amazon ECR on 127.0.0.1: the ECR and STS APIs (SigV4-checked) and a registry
 * endpoint that authenticates, knows which repositories exist and keeps immutable tags in place,
 * backed by a real distribution registry. The real AWS SDK and a real Docker Engine work against it.
 *
 * <pre>{@code
 * try (Testbed tb = Testbed.start(TestbedConfig.defaults().withCredentials(keyId, secret))) {
 *     // AWS_ENDPOINT_URL_ECR = tb.ecrEndpoint(), AWS_ENDPOINT_URL_STS = tb.stsEndpoint()
 * }
 * }</pre>
 */
public final class Testbed implements AutoCloseable {

    private final TestbedConfig config;
    private final DistributionRegistry registry;
    private final RegistryFront front;
    private final ControlPlaneServer controlPlane;
    private final Repositories repositories;
    private final RegistryPasswords passwords;
    private final SigV4Verifier verifier;

    private Testbed(TestbedConfig config, DistributionRegistry registry, RegistryFront front,
            ControlPlaneServer controlPlane, Repositories repositories, RegistryPasswords passwords,
            SigV4Verifier verifier) {
        this.config = config;
        this.registry = registry;
        this.front = front;
        this.controlPlane = controlPlane;
        this.repositories = repositories;
        this.passwords = passwords;
        this.verifier = verifier;
    }

    /** Starts the registry, its front and the control plane; fails if {@code docker-registry} is missing. */
    public static Testbed start(TestbedConfig config) {
        RegistryFront front = null;
        DistributionRegistry registry = null;
        try {
            front = RegistryFront.bind();
            registry = DistributionRegistry.start(config.registryBinary(), front.url());
            Repositories repositories = new Repositories(config.accountId());
            RegistryPasswords passwords = new RegistryPasswords(config.registryPasswordLifetime());
            front.start(registry, repositories, passwords);
            SigV4Verifier verifier = new SigV4Verifier(config.credentials());
            EcrApi ecr = new EcrApi(repositories, registry, passwords, front.host());
            StsApi sts = new StsApi(config.accountId(), config.userName());
            ControlPlaneServer controlPlane = ControlPlaneServer.start(verifier, ecr, sts);
            return new Testbed(config, registry, front, controlPlane, repositories, passwords, verifier);
        } catch (IOException | RuntimeException e) {
            if (front != null) {
                front.close();
            }
            if (registry != null) {
                registry.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("The testbed could not start: " + e.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The ECR API endpoint, for {@code AWS_ENDPOINT_URL_ECR} or an SDK endpoint override. */
    public URI ecrEndpoint() {
        return controlPlane.endpoint();
    }

    /** The STS endpoint, for {@code AWS_ENDPOINT_URL_STS}; it shares the ECR endpoint's port. */
    public URI stsEndpoint() {
        return controlPlane.endpoint();
    }

    /** The registry's host and port as image references use it: {@code 127.0.0.1:<port>}. */
    public String registryHost() {
        return front.host();
    }

    public String accountId() {
        return config.accountId();
    }

    /** Accepts another key from now on; a session token, if given, must come with it. */
    public void addCredentials(String accessKeyId, String secretAccessKey) {
        verifier.allow(AllowedCredential.of(accessKeyId, secretAccessKey));
    }

    public void addCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        verifier.allow(AllowedCredential.temporary(accessKeyId, secretAccessKey, sessionToken));
    }

    /** Creates a repository as if CreateRepository had been called in us-east-1. */
    public RepositoryState createRepository(String name) {
        return createRepository(name, RepositorySettings.defaults());
    }

    public RepositoryState createRepository(String name, RepositorySettings settings) {
        try {
            return repositories.create(name, "us-east-1", settings).snapshot(config.accountId(), front.host());
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.code() + ": " + e.getMessage(), e);
        }
    }

    public Optional<RepositoryState> repository(String name) {
        return repositories.find(name).map(repository -> repository.snapshot(config.accountId(), front.host()));
    }

    public List<RepositoryState> repositories() {
        return repositories.all().stream()
                .map(repository -> repository.snapshot(config.accountId(), front.host()))
                .toList();
    }

    /** The tags the registry holds for a repository, sorted. */
    public List<String> tagsOf(String repository) {
        return registry.tags(repository);
    }

    /** The digest ({@code sha256:...}) a tag points to, for any manifest or index type. */
    public Optional<String> manifestDigest(String repository, String tag) {
        return registry.digestOf(repository, tag);
    }

    /** Every ECR and STS request so far, in order, including refused ones. */
    public List<ControlPlaneCall> calls() {
        return controlPlane.calls();
    }

    /** Every registry request the front refused, in order. */
    public List<DeniedRequest> deniedRegistryRequests() {
        return front.denied();
    }

    /**
     * Every registry password GetAuthorizationToken has issued, oldest first, so tests can check
     * that none of them leaks into output or files.
     */
    public List<String> issuedRegistryPasswords() {
        return passwords.issued();
    }

    /** Makes every registry password issued so far expired, as if twelve hours had passed. */
    public void expireRegistryPasswords() {
        passwords.expireAll();
    }

    @Override
    public void close() {
        controlPlane.close();
        front.close();
        registry.close();
    }
}
