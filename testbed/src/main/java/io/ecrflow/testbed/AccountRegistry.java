package io.ecrflow.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One account's private registry: its repositories, the distribution registry holding their images,
 * the front clients push to (a registry host of its own, as each AWS account has) and its ECR API.
 */
final class AccountRegistry implements AutoCloseable {

    private final String accountId;
    private final Repositories repositories;
    private final DistributionRegistry registry;
    private final RegistryFront front;
    private final EcrApi ecr;
    private final Optional<PublicRegistry> publicRegistry;
    private final AccountSettings settings;

    private AccountRegistry(String accountId, Repositories repositories, DistributionRegistry registry,
            RegistryFront front, EcrApi ecr, Optional<PublicRegistry> publicRegistry, AccountSettings settings) {
        this.settings = settings;
        this.accountId = accountId;
        this.repositories = repositories;
        this.registry = registry;
        this.front = front;
        this.ecr = ecr;
        this.publicRegistry = publicRegistry;
    }

    /**
     * Starts the account's registry and front. {@code publicAlias}, when given, also makes the
     * account's ECR Public repositories reachable through this front under that alias.
     */
    static AccountRegistry start(Optional<Path> binary, String accountId, RegistryPasswords passwords,
            Permissions permissions, Optional<String> publicAlias, TestbedTls tls) throws IOException {
        RegistryFront front = RegistryFront.bind(accountId, tls);
        DistributionRegistry registry = null;
        try {
            registry = DistributionRegistry.start(binary, front.url());
            Repositories repositories = new Repositories(accountId);
            Optional<PublicRegistry> publicRegistry = publicAlias.map(alias -> new PublicRegistry(accountId, alias, front.host()));
            AccountSettings settings = new AccountSettings();
            front.start(registry, repositories, publicRegistry, passwords, permissions, settings);
            EcrApi ecr = new EcrApi(repositories, registry, passwords, front.host(), settings);
            return new AccountRegistry(accountId, repositories, registry, front, ecr, publicRegistry, settings);
        } catch (IOException | RuntimeException e) {
            front.close();
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    String accountId() {
        return accountId;
    }

    Repositories repositories() {
        return repositories;
    }

    DistributionRegistry registry() {
        return registry;
    }

    RegistryFront front() {
        return front;
    }

    EcrApi ecr() {
        return ecr;
    }

    AccountSettings settings() {
        return settings;
    }

    Optional<PublicRegistry> publicRegistry() {
        return publicRegistry;
    }

    @Override
    public void close() {
        front.close();
        registry.close();
    }
}
