package io.ecrflow.testbed.ecr;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The account's ECR Public registry: repositories addressed as {@code <host>/<alias>/<name>}. It
 * shares the account's registry front, so pushes to it authenticate and are guarded the same way.
 */
public final class PublicRegistry {

    private final String accountId;
    private final String alias;
    private final String registryHost;
    private final Repositories repositories;
    private final Map<String, PublicCatalogData> catalog = new ConcurrentHashMap<>();

    PublicRegistry(String accountId, String alias, String registryHost) {
        this.accountId = accountId;
        this.alias = alias;
        this.registryHost = registryHost;
        this.repositories = new Repositories(accountId);
    }

    String accountId() {
        return accountId;
    }

    public String alias() {
        return alias;
    }

    /** The registry's URI as DescribeRegistries gives it: the registry host and the alias. */
    String registryUri() {
        return registryHost + "/" + alias;
    }

    String arn() {
        return "arn:aws:ecr-public::" + accountId + ":registry/" + accountId;
    }

    public Repositories repositories() {
        return repositories;
    }

    /** The repository a registry path such as {@code <alias>/team/web} names. */
    public Optional<Repository> find(String path) {
        String prefix = alias + "/";
        return path.startsWith(prefix) ? repositories.find(path.substring(prefix.length())) : Optional.empty();
    }

    PublicCatalogData catalogData(String name) {
        return catalog.getOrDefault(name, PublicCatalogData.empty());
    }

    void putCatalogData(String name, PublicCatalogData data) {
        catalog.put(name, data);
    }

    String repositoryUri(String name) {
        return registryUri() + "/" + name;
    }

    String repositoryArn(String name) {
        return "arn:aws:ecr-public::" + accountId + ":repository/" + name;
    }

    public PublicRepositoryState snapshot(Repository repository) {
        return new PublicRepositoryState(repository.name(), repositoryArn(repository.name()),
                repositoryUri(repository.name()), accountId, repository.createdAt(), catalogData(repository.name()),
                repository.tags());
    }
}
