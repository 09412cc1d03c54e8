package io.ecrflow.docker;

import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;

import java.io.InputStream;
import java.util.Optional;

/** The Docker Engine API, as far as ecrflow needs it. Registry credentials are passed in memory. */
public interface DockerEngine extends AutoCloseable {

    /** Checks the engine answers; throws {@link io.ecrflow.UserError} saying how to start one. */
    void ping();

    /** Where the engine was reached, e.g. {@code unix:///var/run/docker.sock}. */
    String host();

    /** Gives the image another name in the engine. */
    void tag(String imageId, ImageRef ref);

    /**
     * Pushes one tag and returns the manifest digest the registry stored. Layers the registry
     * already has are not uploaded again. Throws {@link io.ecrflow.UserError} for denied pushes,
     * missing repositories and immutable tags.
     */
    Digest push(ImageRef ref, RegistryCredential credential, PushProgress progress);

    /**
     * Whether the engine keeps its images in containerd's image store (Docker Engine 29's default): its images are
     * OCI indexes, with BuildKit's attestations beside the image, and its push of a tag writes the index's
     * manifests under that tag first.
     */
    boolean keepsImagesInContainerd();

    /**
     * The image as {@code docker save} writes it (a tar; on containerd's store an OCI image layout), streamed.
     * Close it when done.
     */
    InputStream save(String imageId);

    /** The image as the engine knows it, or empty when it has no such image. */
    Optional<ImageInfo> inspectImage(String nameOrId);

    /** Removes an image name (and the image once no name is left); missing images are ignored. */
    void removeImage(String nameOrId);

    @Override
    void close();
}
