package io.ecrflow.registry;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Any OCI distribution registry (ECR, MCR, Docker Hub, a private one): what a tag points to, manifests,
 * config blobs and tag lists, without pulling an image, and one write: a manifest under another tag.
 * Failures are {@link io.ecrflow.UserError}s.
 */
public interface RegistryClient {

    /**
     * The digest a tag (or digest) resolves to now, as {@code HEAD /v2/<name>/manifests/<reference>} reports
     * it: for a multi-arch tag, the digest of its index. Empty when the registry has no such manifest.
     */
    Optional<Digest> manifestDigest(ImageRef ref);

    /** The manifest (or index) the reference points to; a missing one is an error. */
    Manifest manifest(ImageRef ref);

    /**
     * Writes these exact manifest bytes under {@code tagged}'s tag (or, for a reference by digest, under
     * its digest alone, as an index's images are): the tag then points at the same digest.
     * The blobs it names must already be in the repository. A passing failure is tried again.
     *
     * @throws ManifestRefused when the registry refuses the tag (an immutable tag that holds another image, say)
     */
    void putManifest(ImageRef tagged, Manifest manifest);

    /**
     * Makes {@code blob} of {@code source}'s repository exist in {@code target}'s: nothing when the target has it
     * already ({@code HEAD}), else one streamed copy in one monolithic upload, never held in memory. No mount is asked
     * for: ECR's are off unless the account enables them.
     */
    BlobTransfer transferBlob(ImageRef source, ImageRef target, Blob blob);

    /**
     * Starts an upload into {@code repository}'s repository and cancels it, before a push that another program makes
     * (the Docker Engine's): an upload that gets no answer fails at once with {@link UploadRefused}, where the engine
     * would retry it for a minute and blame the network.
     */
    void checkUploads(ImageRef repository);

    /** Whether {@code repository}'s repository already holds the blob ({@code HEAD /v2/<name>/blobs/<digest>}). */
    boolean hasBlob(ImageRef repository, Digest digest);

    /**
     * Uploads {@code blob.size()} bytes of {@code content} into {@code repository}'s repository in one monolithic
     * upload, streamed, never held in memory; the registry checks them against the blob's digest.
     */
    void uploadBlob(ImageRef repository, Blob blob, InputStream content);

    /** An image's config blob (JSON, with its labels under {@code config.Labels}), checked against its digest. */
    byte[] configBlob(ImageRef image, Digest config);

    /** Every tag of a repository; empty when the registry does not know the repository. */
    List<Tag> tags(String registry, RepositoryName repository);

    /** A client that also authenticates to {@code credential.registry()} with that credential. */
    RegistryClient withCredential(RegistryCredential credential);

    /**
     * A client that authenticates with {@code credential} and, should the registry refuse it during the run (an
     * expired login), logs in once more through {@code renewal}.
     */
    RegistryClient withCredential(RegistryCredential credential, Supplier<RegistryCredential> renewal);
}
