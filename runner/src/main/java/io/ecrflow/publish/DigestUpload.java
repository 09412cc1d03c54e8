package io.ecrflow.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.Waiting;
import io.ecrflow.docker.DockerEngine;
import io.ecrflow.docker.RegistryServerError;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Blob;
import io.ecrflow.registry.BlobUploadFailed;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.Manifest;
import io.ecrflow.registry.RegistryClient;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts an image of an engine that keeps its images in containerd's store into a repository by digest alone: the
 * engine's own push of a tag would write each manifest of the image's index under that tag before the index
 * (an immutable tag then refuses the index, a mutable one points at a bare image for a while). The image is read
 * from the engine as {@code docker save} streams it (an OCI image layout), by its id, so no local name another
 * run may re-tag carries it. Blobs the repository lacks are uploaded, large ones straight from the stream;
 * then every manifest is written by digest, an index's images before the index. No tag is written here.
 * A blob whose upload meets a server error is sent again, as the engine's own push would: a held one from memory,
 * a large one from the image saved once more, so that no layer is ever held whole.
 */
final class DigestUpload {
    /** Blobs up to this size (manifests, configs, attestations, small layers) are held until the layout is read. */
    static final long HELD_IN_MEMORY = 4L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOBS = "blobs/sha256/";

    private final Pipeline pipeline;
    private final DockerEngine engine;
    private final RegistryClient registry;
    private final Waiting attempts;

    /** @param attempts how often one blob is sent at most, and the pauses between */
    DigestUpload(Pipeline pipeline, DockerEngine engine, RegistryClient registry, Waiting attempts) {
        this.pipeline = pipeline;
        this.engine = engine;
        this.registry = registry;
        this.attempts = attempts;
    }

    /**
     * @param imageId    the engine's id of the image (on containerd's store, the digest of its index or manifest)
     * @param repository any reference into the target repository
     * @return the image's top manifest (its index, usually) as the repository now holds it by digest
     */
    Manifest upload(String imageId, ImageRef repository) {
        Layout layout = new Layout(repository);
        readSaved(imageId, layout);
        Digest top = layout.top(imageId);
        layout.uploadHeld(top);
        for (int attempt = 1; !layout.failed.isEmpty(); attempt++) {
            BlobUploadFailed failure = layout.failed.values().iterator().next();
            if (!attempts.allowsAfter(attempt)) {
                throw new UserError("The registry at " + failure.registry() + " failed while the layers of " + imageId
                        + " were uploaded to " + repository.repositoryUri() + ", on each of " + attempt + " attempts. "
                        + failure.getMessage() + " " + RegistryServerError.ADVICE, null, failure);
            }
            pipeline.warning(failure.getMessage() + " Uploading " + layout.failed.size() + " blob(s) again ("
                    + attempts.attempt(attempt + 1) + ").");
            attempts.pauseAfterAttempt(attempt, () -> new UserError("Interrupted while waiting to upload "
                    + imageId + " again."));
            boolean streamed = layout.failed.keySet().stream().anyMatch(layout::failedStreamed);
            layout.failed.clear();
            if (streamed) {
                readSaved(imageId, layout);
            }
            layout.uploadHeld(top);
        }
        Manifest manifest = layout.publish(top);
        pipeline.info("Uploaded " + layout.uploaded + " blob(s) (" + megabytes(layout.uploadedBytes) + ") to "
                + repository.repositoryUri() + ", " + layout.present + " already there; wrote " + layout.manifests
                + " manifest(s) by digest.");
        return manifest;
    }

    /** One pass over the image as the engine saves it. */
    private void readSaved(String imageId, Layout layout) {
        try (InputStream saved = engine.save(imageId);
             TarArchiveInputStream tar = new TarArchiveInputStream(saved)) {
            for (TarArchiveEntry entry = tar.getNextTarEntry(); entry != null; entry = tar.getNextTarEntry()) {
                layout.read(entry, tar);
            }
        } catch (IOException e) {
            throw new UserError("Reading image " + imageId + " from the Docker Engine at " + engine.host() + " broke off ("
                    + e.getMessage() + "); run the step again.", null, e);
        }
    }

    /** What the saved image holds, read entry by entry, and what of it is in the repository by now. */
    private final class Layout {
        private final ImageRef repository;
        private final Map<Digest, byte[]> held = new HashMap<>();
        private final Set<Digest> inRepository = new HashSet<>();
        /** Blobs whose upload met a server error, to be sent again. */
        private final Map<Digest, BlobUploadFailed> failed = new LinkedHashMap<>();
        private byte[] index;
        private int uploaded;
        private int present;
        private int manifests;
        private long uploadedBytes;

        Layout(ImageRef repository) {
            this.repository = repository;
        }

        void read(TarArchiveEntry entry, InputStream tar) throws IOException {
            String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
            if (name.equals("index.json")) {
                index = tar.readAllBytes();
            } else if (name.startsWith(BLOBS) && entry.isFile()) {
                Digest digest = Digest.parse("sha256:" + name.substring(BLOBS.length()));
                if (entry.getSize() <= HELD_IN_MEMORY) {
                    held.put(digest, tar.readAllBytes());
                } else {
                    // A large blob is a layer: it goes up as it arrives, never held.
                    ensure(new Blob(digest, entry.getSize(), ""), new KeptOpen(tar));
                }
            }
        }

        /** The manifest the layout's index names for the image (docker save of one image names one). */
        Digest top(String imageId) {
            if (index == null) {
                throw new UserError("The Docker Engine saved image " + imageId + " without an OCI index.json: it "
                        + "does not keep its images in containerd's store after all.");
            }
            try {
                JsonNode manifests = JSON.readTree(index).path("manifests");
                if (manifests.size() != 1) {
                    throw new UserError("The Docker Engine saved " + manifests.size() + " images for " + imageId
                            + " where one was asked for.");
                }
                return Digest.parse(manifests.get(0).path("digest").asText());
            } catch (IOException e) {
                throw new UserError("The Docker Engine saved image " + imageId + " with an index.json that is not JSON.");
            }
        }

        /** Uploads the small blobs the manifest names, an index's images' included, that the repository lacks. */
        void uploadHeld(Digest digest) {
            Manifest manifest = held(digest);
            if (manifest.isIndex()) {
                manifest.entries().stream().map(Manifest.Entry::digest).filter(held::containsKey).forEach(this::uploadHeld);
                return;
            }
            for (Blob blob : manifest.blobs()) {
                if (blob.isForeign() || inRepository.contains(blob.digest()) || failedStreamed(blob.digest())) {
                    continue;
                }
                byte[] small = held.get(blob.digest());
                if (small == null) {
                    throw new UserError("The Docker Engine's copy of the image lacks blob " + blob.digest()
                            + " that its manifest " + digest + " names; pull or build the image again.");
                }
                ensure(new Blob(blob.digest(), small.length, blob.mediaType()), new ByteArrayInputStream(small));
            }
        }

        /** Writes the manifest by digest, an index's images first; every blob they name is in the repository. */
        Manifest publish(Digest digest) {
            Manifest manifest = held(digest);
            if (manifest.isIndex()) {
                for (Manifest.Entry entry : manifest.entries()) {
                    if (held.containsKey(entry.digest())) {
                        publish(entry.digest());
                    } else if (registry.manifestDigest(repository.withDigest(entry.digest())).isEmpty()) {
                        throw new UserError("The Docker Engine has only part of the image: its " + entry.platform()
                                + " image " + entry.digest() + " is neither in the engine nor in "
                                + repository.repositoryUri() + ". Pull it again with each of its platforms "
                                + "(docker pull --platform), or build it on this engine.");
                    }
                }
            }
            registry.putManifest(repository.withDigest(digest), manifest);
            manifests++;
            return manifest;
        }

        private Manifest held(Digest digest) {
            byte[] content = held.get(digest);
            if (content == null) {
                throw new UserError("The Docker Engine's copy of the image lacks its manifest " + digest + " (docker "
                        + "save left it out): pull or build the image again on this engine.");
            }
            Manifest manifest = Manifest.of(content);
            if (!manifest.digest().equals(digest)) {
                throw new UserError("The Docker Engine saved manifest " + digest + " with other content ("
                        + manifest.digest() + "); run the step again.");
            }
            return manifest;
        }

        /** A large blob that failed goes up again from the next reading of the saved image, not from here. */
        private boolean failedStreamed(Digest digest) {
            return failed.containsKey(digest) && !held.containsKey(digest);
        }

        private void ensure(Blob blob, InputStream content) {
            if (inRepository.contains(blob.digest())) {
                return;
            }
            if (registry.hasBlob(repository, blob.digest())) {
                present++;
            } else {
                if (blob.size() > HELD_IN_MEMORY) {
                    pipeline.info("Uploading layer " + blob.digest() + " (" + megabytes(blob.size()) + ")");
                }
                try {
                    registry.uploadBlob(repository, blob, content);
                } catch (BlobUploadFailed failure) {
                    failed.put(blob.digest(), failure);
                    return;
                }
                uploaded++;
                uploadedBytes += blob.size();
            }
            inRepository.add(blob.digest());
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    /** The tar's current entry, for an upload that closes what it reads: the tar stays open for the next entry. */
    private static final class KeptOpen extends FilterInputStream {
        KeptOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the tar goes on
        }
    }
}
