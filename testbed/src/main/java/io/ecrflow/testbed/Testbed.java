package io.ecrflow.testbed;

import io.ecrflow.testbed.aws.AllowedCredential;
import io.ecrflow.testbed.aws.ControlPlaneCall;
import io.ecrflow.testbed.aws.ControlPlaneServer;
import io.ecrflow.testbed.aws.Permissions;
import io.ecrflow.testbed.aws.RoleSession;
import io.ecrflow.testbed.aws.RoleSessions;
import io.ecrflow.testbed.aws.SigV4Verifier;
import io.ecrflow.testbed.aws.StsApi;
import io.ecrflow.testbed.ecr.AccountRegistry;
import io.ecrflow.testbed.ecr.EcrApi;
import io.ecrflow.testbed.ecr.EcrPublicApi;
import io.ecrflow.testbed.ecr.ImageScans;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator;
import io.ecrflow.testbed.ecr.PublicRegistry;
import io.ecrflow.testbed.ecr.PublicRepositoryState;
import io.ecrflow.testbed.ecr.RegistryPasswords;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.ecr.RepositoryState;
import io.ecrflow.testbed.ecr.ScanFinding;
import io.ecrflow.testbed.faults.BlobUploadFaults;
import io.ecrflow.testbed.faults.LostAnswer;
import io.ecrflow.testbed.net.TestbedNames;
import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.registry.DeniedRequest;
import io.ecrflow.testbed.registry.RegistryFront;
import io.ecrflow.testbed.registry.RegistryRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in for Amazon ECR on 127.0.0.1: the ECR, ECR Public and STS APIs (SigV4-checked, plain HTTP at an
 * explicit endpoint) and, per account, a registry endpoint (HTTPS under a registry-like name, see
 * {@link TestbedNames} and {@link TestbedTls}) that authenticates, knows which repositories exist and keeps immutable
 * tags in place, backed by a real distribution registry. The real AWS SDK and a real Docker Engine
 * work against it. STS issues temporary credentials for configured roles (AssumeRole, and
 * AssumeRoleWithWebIdentity for trusted issuers); they sign later requests until they expire.
 *
 * <pre>{@code
 * try (Testbed tb = Testbed.start(TestbedConfig.defaults().withCredentials(keyId, secret))) {
 *     // AWS_ENDPOINT_URL_ECR = tb.ecrEndpoint(), AWS_ENDPOINT_URL_STS = tb.stsEndpoint(),
 *     // AWS_ENDPOINT_URL_ECR_PUBLIC = tb.ecrPublicEndpoint()
 * }
 * }</pre>
 */
public final class Testbed implements AutoCloseable {

    private final TestbedConfig config;
    private final Map<String, AccountRegistry> accounts;
    private final ControlPlaneServer controlPlane;
    private final RegistryPasswords passwords;
    private final SigV4Verifier verifier;
    private final RoleSessions sessions;

    private Testbed(TestbedConfig config, Map<String, AccountRegistry> accounts, ControlPlaneServer controlPlane,
            RegistryPasswords passwords, SigV4Verifier verifier, RoleSessions sessions) {
        this.config = config;
        this.accounts = accounts;
        this.controlPlane = controlPlane;
        this.passwords = passwords;
        this.verifier = verifier;
        this.sessions = sessions;
    }

    /** Starts each account's registry and front, and the control plane; fails if {@code docker-registry} is missing. */
    public static Testbed start(TestbedConfig config) {
        Map<String, AccountRegistry> accounts = new LinkedHashMap<>();
        try {
            RegistryPasswords passwords = new RegistryPasswords(config.registryPasswordLifetime());
            SigV4Verifier verifier = new SigV4Verifier(config.credentials(), config.clock());
            RoleSessions sessions = new RoleSessions(verifier, config.clock());
            StsApi sts = new StsApi(config, sessions);
            Permissions permissions = new Permissions(config.denials(), sessions, sts::callerArn);
            TestbedTls tls = config.tls();
            for (String accountId : config.allAccounts()) {
                Optional<String> publicAlias = accountId.equals(config.accountId())
                        ? Optional.of(config.publicRegistryAlias()) : Optional.empty();
                accounts.put(accountId, AccountRegistry.start(config.registryBinary(), accountId, passwords, permissions,
                        publicAlias, tls));
            }
            Map<String, EcrApi> ecrByAccount = new LinkedHashMap<>();
            accounts.forEach((id, account) -> ecrByAccount.put(id, account.ecr()));
            EcrPublicApi ecrPublic = new EcrPublicApi(accounts.get(config.accountId()).publicRegistry().orElseThrow(), passwords);
            ControlPlaneServer controlPlane = ControlPlaneServer.start(verifier, ecrByAccount, ecrPublic, sts, permissions);
            return new Testbed(config, accounts, controlPlane, passwords, verifier, sessions);
        } catch (IOException | RuntimeException e) {
            accounts.values().forEach(AccountRegistry::close);
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

    /** The ECR Public API endpoint, for {@code AWS_ENDPOINT_URL_ECR_PUBLIC}; it shares the ECR endpoint's port. */
    public URI ecrPublicEndpoint() {
        return controlPlane.endpoint();
    }

    /**
     * The registry's host and port as image references use it: {@code 123456789012.dkr.ecr.us-east-1.ecrflow.test:<port>}
     * (HTTPS with the test CA of {@link TestbedTls}).
     */
    public String registryHost() {
        return main().registryHost();
    }

    public String accountId() {
        return config.accountId();
    }

    /** An account's registry: the testbed's own or one of {@link TestbedConfig#otherAccounts()}. */
    public TestbedAccount account(String accountId) {
        AccountRegistry account = accounts.get(accountId);
        if (account == null) {
            throw new IllegalArgumentException("The testbed has no account " + accountId + "; add it with withOtherAccount");
        }
        return new TestbedAccount(account);
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
        return main().createRepository(name);
    }

    public RepositoryState createRepository(String name, RepositorySettings settings) {
        return main().createRepository(name, settings);
    }

    public Optional<RepositoryState> repository(String name) {
        return main().repository(name);
    }

    public List<RepositoryState> repositories() {
        return main().repositories();
    }

    /** The tags the registry holds for a repository, sorted; an ECR Public one is {@code <alias>/<name>}. */
    public List<String> tagsOf(String repository) {
        return main().tagsOf(repository);
    }

    /** The digest ({@code sha256:...}) a tag points to, for any manifest or index type. */
    public Optional<String> manifestDigest(String repository, String tag) {
        return main().manifestDigest(repository, tag);
    }

    /** DescribeImages' imageStatus of the image a tag points to: ACTIVE, or ARCHIVED once a lifecycle rule archived it. */
    public Optional<String> imageStatus(String repository, String tag) {
        return main().imageStatus(repository, tag);
    }

    /** The config blob digest of the image a tag points to (the local image id it was pushed from); empty for an index. */
    public Optional<String> configDigest(String repository, String tag) {
        return main().configDigest(repository, tag);
    }

    /** The alias of the account's ECR Public registry; its images are {@code <publicRegistryHost>/<alias>/<name>}. */
    public String publicRegistryAlias() {
        return publicRegistry().alias();
    }

    /**
     * ECR Public's registry host and port, as public.ecr.aws stands in image references: the account's registry name
     * on a port of its own (HTTPS with the test CA), taking bearer tokens only.
     */
    public String publicRegistryHost() {
        return publicFront().host();
    }

    /**
     * Every bearer token ECR Public's token service has issued right after {@code tag} of the public repository
     * {@code repository} is written expires (as an hour passing would; public.ecr.aws then answers 400 with no
     * challenge). Once, counted: as {@link #expireRegistryPasswordsAfterWrite} for private registries.
     */
    public void expirePublicRegistryTokensAfterWrite(String repository, String tag) {
        publicFront().faults().push().expirePasswordsAfterWrite(publicRegistryAlias() + "/" + repository, tag);
    }

    /** Every bearer token ECR Public's token service issued, oldest first, so tests can check none of them leaks. */
    public List<String> issuedPublicRegistryTokens() {
        return publicFront().tokens().orElseThrow().issued();
    }

    public Optional<PublicRepositoryState> publicRepository(String name) {
        return publicRegistry().repositories().find(name).map(publicRegistry()::snapshot);
    }

    /** Every role session STS issued so far, oldest first. */
    public List<RoleSession> roleSessions() {
        return sessions.all();
    }

    /**
     * The secret access key and session token of every role session, oldest first, so tests can check
     * that none of them leaks into output or files.
     */
    public List<String> issuedSessionSecrets() {
        return sessions.secrets();
    }

    /**
     * Runs {@code repository}'s lifecycle policy now, as ECR does within 24 hours of PutLifecyclePolicy: the images
     * it expires are deleted with their tags, the images it transitions are archived (see {@link #imageStatus}).
     * Returns the digests of the images expired, oldest first (none without a policy).
     */
    public List<String> runLifecyclePolicy(String repository) {
        return accounts.get(config.accountId()).front().lifecycle().run(repository, java.time.Instant.now()).stream()
                .filter(action -> action.kind() == LifecyclePolicyEvaluator.Kind.EXPIRE)
                .map(action -> action.image().digest()).toList();
    }

    /** Every ECR, ECR Public and STS request so far, in order, including refused ones. */
    public List<ControlPlaneCall> calls() {
        return controlPlane.calls();
    }

    /**
     * The next {@code parties} calls of the ECR {@code operation} (e.g. {@code DescribeRepositories}) for
     * {@code repository} wait for each other before any is answered: parallel runs then see the same state.
     */
    public void rendezvous(String operation, String repository, int parties) {
        controlPlane.rendezvous().meet(operation, repository, parties);
    }

    /**
     * The next {@code calls} calls of the ECR {@code operation} (e.g. {@code DescribeRepositories}), whatever their
     * repository, are answered with ECR's throttling error: HTTP 400, {@code __type} ThrottlingException.
     */
    public void throttleEcr(String operation, int calls) {
        controlPlane.throttling().throttleNext("ecr", operation, calls);
    }

    /**
     * Every repository-scoped request the registry fronts of all accounts answered, oldest first: a request
     * made later always comes later, so {@code subList(mark, size())} is what came after a mark.
     */
    public List<RegistryRequest> registryRequests() {
        return accounts.values().stream().flatMap(account -> account.fronts().stream())
                .flatMap(front -> front.numberedRequests().stream())
                .sorted(Comparator.comparingLong(RegistryFront.Numbered::number))
                .map(RegistryFront.Numbered::request).toList();
    }

    /**
     * How many blob uploads ({@code POST /v2/<repository>/blobs/uploads/}) the registry fronts saw for
     * {@code repository}, answered or not: a counter for tests that a client gives up after a few attempts.
     */
    public int uploadsStarted(String repository) {
        return (int) registryRequests().stream().filter(request -> request.repository().equals(repository)
                && request.kind().equals("UPLOAD") && request.method().equals("POST")).count();
    }

    /**
     * Right after the next manifest write of {@code repository:tag} in this account, the tag is moved to the
     * image {@code withTag} holds: another run's push landing a moment after this one.
     */
    public void overwriteAfterNextWrite(String repository, String tag, String withTag) {
        accounts.get(config.accountId()).front().overwriteAfterNextWrite(repository, tag, withTag);
    }

    /**
     * The registry dies once {@code repository}'s push has started {@code uploads} blob uploads: every later request
     * of that repository loses its connection without an answer.
     */
    public void killRegistryAfterUploads(String repository, int uploads) {
        accounts.get(config.accountId()).front().faults().push().dieAfterUploads(repository, uploads);
    }

    /** Every registry password issued so far expires right after {@code tag} of {@code repository} is written. */
    public void expireRegistryPasswordsAfterWrite(String repository, String tag) {
        accounts.get(config.accountId()).front().faults().push().expirePasswordsAfterWrite(repository, tag);
    }

    /**
     * Every registry password issued so far expires right before the next blob GET of {@code repository} (as twelve
     * hours passing during a long promotion would): that read meets ECR's 403 DENIED "Your authorization token has
     * expired. Reauthenticate and try again." Once, counted.
     */
    public void expireRegistryPasswordsAtBlobRead(String repository) {
        accounts.get(config.accountId()).front().faults().push().expirePasswordsAtBlobRead(repository);
    }

    /**
     * The next {@code times} uploads of the image's layers into {@code repository} are answered with {@code status}
     * (the engine retries a layer on its own).
     */
    public void failLayerUploads(String repository, int status, int times) {
        accounts.get(config.accountId()).front().faults().uploads().fail(repository, BlobUploadFaults.Kind.LAYER, status, times);
    }

    /** The next {@code times} uploads of an image config into {@code repository} are answered with {@code status}. */
    public void failConfigUploads(String repository, int status, int times) {
        accounts.get(config.accountId()).front().faults().uploads().fail(repository, BlobUploadFaults.Kind.CONFIG, status, times);
    }

    /** The next {@code times} manifest PUTs of {@code repository:tag} in this account are answered {@code status}. */
    public void failManifestWrites(String repository, String tag, int status, int times) {
        accounts.get(config.accountId()).front().faults().manifestWrites().fail(repository, tag, status, times);
    }

    /**
     * The next {@code times} manifest PUTs of {@code repository:tag} in this account that the registry stores lose
     * their answer: the tag is written, and the writer hears a proxy's 502 or nothing at all ({@code how}).
     */
    public void loseManifestWriteAnswers(String repository, String tag, int times, LostAnswer how) {
        accounts.get(config.accountId()).front().faults().manifestWrites().lose(repository, tag, times, how);
    }

    /**
     * Switches this account's {@code BLOB_MOUNTING} setting, as {@code PutAccountSetting} does: off (ECR's default),
     * a cross-repository mount is answered with a plain upload; on, it mounts within the registry what ECR mounts.
     */
    public void blobMounting(boolean enabled) {
        accounts.get(config.accountId()).settings().blobMounting(enabled);
    }

    /**
     * From now on the scan of every image in {@code repository} (this account) is in progress for
     * {@code callsInProgress} DescribeImageScanFindings calls, then complete with these findings. An image
     * has a scan when the repository scans on push or once StartImageScan started one.
     */
    public void scanFindings(String repository, int callsInProgress, List<ScanFinding> findings) {
        main().scanFindings(repository, callsInProgress, findings);
    }

    /**
     * As {@link #scanFindings}, answered as enhanced scanning (Amazon Inspector) answers: with fixed-in versions,
     * every image scanned without a start, and StartImageScan refused.
     */
    public void enhancedScanFindings(String repository, int callsInProgress, List<ScanFinding> findings) {
        main().scans().set(repository, new ImageScans.Outcome(List.copyOf(findings), callsInProgress, "COMPLETE", true));
    }

    /**
     * As Amazon Inspector answers right after a scan: the first {@code reads} DescribeImageScanFindings of each image
     * of {@code repository} (after those in progress) answer COMPLETE with no findings, later ones the findings
     * {@link #enhancedScanFindings} gave. Counted, not timed.
     */
    public void enhancedScanSettlesAfter(String repository, int reads) {
        main().scans().settleAfter(repository, reads);
    }

    /** From now on the scan of every image in {@code repository} never completes. */
    public void scanNeverCompletes(String repository) {
        main().scans().set(repository, new ImageScans.Outcome(List.of(), ImageScans.Outcome.NEVER, "COMPLETE", false));
    }

    /** From now on the scan of every image in {@code repository} ends in {@code status}: FAILED or UNSUPPORTED_IMAGE. */
    public void scanEndsIn(String repository, String status) {
        main().scans().set(repository, new ImageScans.Outcome(List.of(), 0, status, false));
    }

    /** The digests in {@code repository} (this account) StartImageScan started a scan of, in order. */
    public List<String> scanStarts(String repository) {
        return main().scanStarts(repository);
    }

    /**
     * Every registry request the fronts of all accounts refused, oldest first: a refusal made later always comes
     * later, so {@code subList(mark, size())} is what came after a mark.
     */
    public List<DeniedRequest> deniedRegistryRequests() {
        List<DeniedRequest> denied = new ArrayList<>();
        accounts.values().forEach(account -> account.fronts().forEach(front -> denied.addAll(front.denied())));
        denied.sort(Comparator.comparing(DeniedRequest::at));
        return denied;
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

    private TestbedAccount main() {
        return new TestbedAccount(accounts.get(config.accountId()));
    }

    private RegistryFront publicFront() {
        return accounts.get(config.accountId()).publicFront().orElseThrow();
    }

    private PublicRegistry publicRegistry() {
        return accounts.get(config.accountId()).publicRegistry().orElseThrow();
    }

    @Override
    public void close() {
        controlPlane.close();
        accounts.values().forEach(AccountRegistry::close);
    }
}
