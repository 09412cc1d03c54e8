package io.ecrflow.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * An image in a registry: {@code host/repository:tag} or {@code host/repository@digest}.
 * The host is kept exactly as the registry announced it (for ECR: the login's proxy endpoint).
 */
public record ImageRef(String registry, RepositoryName repository, Tag tag, Digest digest) {

    public ImageRef {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
    }

    public static ImageRef tagged(String registry, RepositoryName repository, Tag tag) {
        return new ImageRef(registry, repository, tag, null);
    }

    public static ImageRef pinned(String registry, RepositoryName repository, Digest digest) {
        return new ImageRef(registry, repository, null, digest);
    }

    /**
     * Parses a reference as Docker does: {@code ubuntu} is {@code docker.io/library/ubuntu:latest}.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static ImageRef parse(String text) {
        return ReferenceSyntax.parse(text);
    }

    /** The registry host as a value: its API, whether it is local, where Docker keeps its credentials. */
    public RegistryHost host() {
        return RegistryHost.ofRegistry(registry);
    }

    public Optional<Tag> tagOpt() {
        return Optional.ofNullable(tag);
    }

    public Optional<Digest> digestOpt() {
        return Optional.ofNullable(digest);
    }

    /** {@code host/repository} without tag or digest. */
    public String repositoryUri() {
        return registry + "/" + repository.value();
    }

    public ImageRef withTag(Tag other) {
        return new ImageRef(registry, repository, other, null);
    }

    public ImageRef withDigest(Digest other) {
        return new ImageRef(registry, repository, null, other);
    }

    @Override
    public String toString() {
        return digest != null ? repositoryUri() + "@" + digest : repositoryUri() + ":" + tag;
    }
}
