package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.Permissions;
import io.ecrflow.testbed.net.TestbedTls;
import io.ecrflow.testbed.registry.DistributionRegistry;
import io.ecrflow.testbed.registry.RegistryFront;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One account's private registry: its repositories, the distribution registry holding their images,
 * the front clients push to (a registry host of its own, as each AWS account has) and its ECR API;
 * {@code publicRegistry} and {@code publicFront} are ECR Public's, for the account that has the public registry.
 */
public record AccountRegistry(String accountId, Repositories repositories, DistributionRegistry registry,
        RegistryFront front, EcrApi ecr, Optional<PublicRegistry> publicRegistry, Optional<RegistryFront> publicFront,
        AccountSettings settings) implements AutoCloseable {

    /**
     * Starts the account's registry and front. {@code publicAlias}, when given, also starts the account's ECR
     * Public registry: a front of its own whose repositories are {@code <alias>/<name>} in the same registry.
     */
    public static AccountRegistry start(Optional<Path> binary, String accountId, RegistryPasswords passwords,
            Permissions permissions, Optional<String> publicAlias, TestbedTls tls) throws IOException {
        RegistryFront front = RegistryFront.bind(accountId, tls);
        Optional<RegistryFront> publicFront = Optional.empty();
        DistributionRegistry registry = null;
        try {
            publicFront = publicAlias.isPresent() ? Optional.of(RegistryFront.bindPublic(accountId, tls)) : Optional.empty();
            registry = DistributionRegistry.start(binary, front.url());
            Repositories repositories = new Repositories(accountId);
            Optional<PublicRegistry> publicRegistry = publicFront.map(pub ->
                    new PublicRegistry(accountId, publicAlias.orElseThrow(), pub.host()));
            AccountSettings settings = new AccountSettings();
            front.start(registry, repositories, passwords, permissions, settings);
            for (RegistryFront pub : publicFront.stream().toList()) {
                pub.startPublic(registry, publicRegistry.orElseThrow(), passwords, permissions, settings);
            }
            EcrApi ecr = new EcrApi(repositories, registry, passwords, front.host(), settings);
            return new AccountRegistry(accountId, repositories, registry, front, ecr, publicRegistry, publicFront, settings);
        } catch (IOException | RuntimeException e) {
            front.close();
            publicFront.ifPresent(RegistryFront::close);
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    /** Every front of the account: its registry's, and ECR Public's when it has one. */
    public java.util.List<RegistryFront> fronts() {
        java.util.List<RegistryFront> all = new java.util.ArrayList<>(java.util.List.of(front));
        publicFront.ifPresent(all::add);
        return all;
    }

    @Override
    public void close() {
        front.close();
        publicFront.ifPresent(RegistryFront::close);
        registry.close();
    }
}
