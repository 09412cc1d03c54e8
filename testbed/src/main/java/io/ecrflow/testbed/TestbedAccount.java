package io.ecrflow.testbed;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.ecr.AccountRegistry;
import io.ecrflow.testbed.ecr.ImageScans;
import io.ecrflow.testbed.ecr.RepositorySettings;
import io.ecrflow.testbed.ecr.RepositoryState;
import io.ecrflow.testbed.ecr.ScanFinding;
import io.ecrflow.testbed.registry.Manifest;
import java.util.List;
import java.util.Optional;

/** One account's private registry in a {@link Testbed}: its host, repositories and images. */
public final class TestbedAccount {

    private final AccountRegistry account;

    TestbedAccount(AccountRegistry account) {
        this.account = account;
    }

    public String accountId() {
        return account.accountId();
    }

    /** The registry's host and port as image references use it: {@code <account>.dkr.ecr.us-east-1.ecrflow.test:<port>}. */
    public String registryHost() {
        return account.front().host();
    }

    /** Creates a repository as if CreateRepository had been called in us-east-1. */
    public RepositoryState createRepository(String name) {
        return createRepository(name, RepositorySettings.defaults());
    }

    public RepositoryState createRepository(String name, RepositorySettings settings) {
        try {
            return account.repositories().create(name, "us-east-1", settings).snapshot(accountId(), registryHost());
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.code() + ": " + e.getMessage(), e);
        }
    }

    public Optional<RepositoryState> repository(String name) {
        return account.repositories().find(name).map(repository -> repository.snapshot(accountId(), registryHost()));
    }

    public List<RepositoryState> repositories() {
        return account.repositories().all().stream()
                .map(repository -> repository.snapshot(accountId(), registryHost()))
                .toList();
    }

    /** The tags the registry holds for a repository (for ECR Public: {@code <alias>/<name>}), sorted. */
    public List<String> tagsOf(String repository) {
        return account.registry().tags(repository);
    }

    /** The digest ({@code sha256:...}) a tag points to, for any manifest or index type. */
    public Optional<String> manifestDigest(String repository, String tag) {
        return account.registry().digestOf(repository, tag);
    }

    /** DescribeImages' imageStatus of the image a tag points to: ACTIVE or ARCHIVED; empty for a missing tag. */
    public Optional<String> imageStatus(String repository, String tag) {
        return account.repositories().find(repository).flatMap(repo -> manifestDigest(repository, tag)
                .map(repo::imageStatus));
    }

    /** The config blob digest of the image a tag points to; empty for a missing tag or an index. */
    public Optional<String> configDigest(String repository, String tag) {
        return account.registry().manifest(repository, tag).flatMap(Manifest::configDigest);
    }

    /** As {@link Testbed#scanFindings}, for a repository of this account. */
    public void scanFindings(String repository, int callsInProgress, List<ScanFinding> findings) {
        scans().set(repository, new ImageScans.Outcome(List.copyOf(findings), callsInProgress, "COMPLETE", false));
    }

    /** The digests in {@code repository} StartImageScan started a scan of, in order. */
    public List<String> scanStarts(String repository) {
        return scans().starts(repository);
    }

    ImageScans scans() {
        return account.ecr().scans();
    }
}
