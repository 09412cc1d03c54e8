package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;

import java.util.Map;
import java.util.Optional;

/**
 * The ECR control plane (private or ECR Public), as far as ecrflow needs it. Failures are
 * {@link io.ecrflow.UserError}s. Closing it releases its connections and credentials.
 */
public interface Ecr extends AutoCloseable {

    /** GetAuthorizationToken: a registry credential whose host (and, for ECR Public, alias) images are named under. */
    RegistryCredential login();

    Optional<RepositoryInfo> describe(RepositoryName name);

    /** Creates the repository; throws {@link RepositoryAlreadyExists} when another run was quicker. */
    RepositoryInfo create(RepositorySettings settings);

    void putLifecyclePolicy(RepositoryName name, String policyText);

    /** GetLifecyclePolicy: the repository's policy text, empty when it has none (ECR Public never has one). */
    default Optional<String> lifecyclePolicy(RepositoryName name) {
        return Optional.empty();
    }

    /** The manifest digest of each given tag that exists in the repository. */
    Map<Tag, Digest> existingTags(RepositoryName name, Iterable<Tag> tags);

    /** DescribeImageScanFindings, every page: where the image's scan stands and, once done, what it found. */
    default ScanReport scanFindings(RepositoryName name, Digest digest) {
        throw new UserError("ECR Public does not scan images, so the scan gate cannot be used with 'public'.", "scanGate");
    }

    /** Whether the repository's images get basic or enhanced scanning (GetRegistryScanningConfiguration). */
    default RegistryScanning registryScanning(RepositoryName name) {
        return RegistryScanning.UNKNOWN;
    }

    /** StartImageScan: asks for a basic scan of one image (never an index); a scan already there is no error. */
    default ScanStart startImageScan(RepositoryName name, Digest digest) {
        throw new UserError("ECR Public does not scan images, so the scan gate cannot be used with 'public'.", "scanGate");
    }

    /** Replaces the text the ECR Public Gallery shows for a repository; private registries have no gallery. */
    default void putCatalogData(RepositoryName name, PublicCatalog catalog) {
        throw new UserError("Catalog data is shown for ECR Public repositories only. Set 'public' to true to push to "
                + "ECR Public, or remove the catalog inputs.", "public");
    }

    @Override
    default void close() {
    }

    /** Signals a lost creation race; the caller describes the winner's repository. */
    final class RepositoryAlreadyExists extends RuntimeException {
        public RepositoryAlreadyExists(String message) {
            super(message);
        }
    }
}
