package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/** The repositories of the one registry the testbed stands in for, by name. */
public final class Repositories {

    /** ECR's published repositoryName pattern and length limits. */
    static final Pattern NAME = Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private final String accountId;
    private final ConcurrentSkipListMap<String, Repository> byName = new ConcurrentSkipListMap<>();

    Repositories(String accountId) {
        this.accountId = accountId;
    }

    public String accountId() {
        return accountId;
    }

    public Repository create(String name, String region, RepositorySettings settings) {
        validateName(name);
        Repository repository = new Repository(name, region, Instant.now(), settings);
        if (byName.putIfAbsent(name, repository) != null) {
            throw new AwsError("RepositoryAlreadyExistsException", "The repository with name '" + name
                    + "' already exists in the registry with id '" + accountId + "'");
        }
        return repository;
    }

    static void validateName(String name) {
        if (name.length() < 2) {
            throw AwsError.invalidParameter(
                    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'");
        }
        if (name.length() > 256) {
            throw AwsError.invalidParameter(
                    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length less than or equal to 256'");
        }
        if (!NAME.matcher(name).matches()) {
            throw AwsError.invalidParameter("Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                    + "'must satisfy regular expression '" + NAME.pattern() + "''");
        }
    }

    public Optional<Repository> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The repository, or ECR's RepositoryNotFoundException. */
    Repository get(String name) {
        Repository repository = byName.get(name);
        if (repository == null) {
            throw AwsError.repositoryNotFound(name, accountId);
        }
        return repository;
    }

    public List<Repository> all() {
        return List.copyOf(byName.values());
    }

    void remove(String name) {
        byName.remove(name);
    }
}
