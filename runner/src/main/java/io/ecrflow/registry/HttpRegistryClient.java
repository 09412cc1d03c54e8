package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;
import io.ecrflow.registry.RegistryTransport.Body;
import io.ecrflow.registry.RegistryTransport.Request;
import io.ecrflow.registry.RegistryTransport.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RegistryClient} over the OCI distribution API: the API calls and what their answers mean.
 * How a request reaches the registry (authentication, tokens, redirects) is {@link RegistryTransport}'s.
 */
public final class HttpRegistryClient implements RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest tag list page ECR serves. */
    static final int MAX_TAGS_PAGE = 1000;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String CONFIG_ACCEPT = "application/vnd.oci.image.config.v1+json, "
            + "application/vnd.docker.container.image.v1+json, */*";
    private static final Body EMPTY = new Body("application/octet-stream", new byte[0]);
    private static final int UPLOAD_START_ATTEMPTS = 2;

    private final RegistryTransport transport;

    private HttpRegistryClient(RegistryTransport transport) {
        this.transport = transport;
    }

    /**
     * @param insecureRegistries hosts (with port, as in image references) to reach over plain HTTP; every other
     *                           registry is reached over HTTPS
     */
    public static HttpRegistryClient create(Set<String> insecureRegistries, Consumer<String> warnings) {
        return create(insecureRegistries, RetryPolicy.STANDARD, warnings);
    }

    /**
     * @param warnings receives one line for every request tried again (see {@link RetryPolicy})
     */
    static HttpRegistryClient create(Set<String> insecureRegistries, RetryPolicy retry, Consumer<String> warnings) {
        return new HttpRegistryClient(new RegistryTransport(new RegistryEndpoints(insecureRegistries), retry, warnings));
    }

    @Override
    public RegistryClient withCredential(RegistryCredential credential) {
        return new HttpRegistryClient(transport.withCredential(credential));
    }

    @Override
    public RegistryClient withCredential(RegistryCredential credential, Supplier<RegistryCredential> renewal) {
        return new HttpRegistryClient(transport.withCredential(credential, renewal));
    }

    @Override
    public Optional<Digest> manifestDigest(ImageRef ref) {
        Response response = call(ref, Request.read("HEAD", "/manifests/" + reference(ref), Manifest.ACCEPT));
        if (response.status() == 404) {
            return Optional.empty();
        }
        response.expectSuccess("look up " + ref);
        Optional<String> header = response.header("Docker-Content-Digest");
        if (header.isPresent()) {
            return Optional.of(Digest.parse(header.get()));
        }
        // Not every registry sends the digest on HEAD; the manifest's own bytes tell it then.
        return Optional.of(manifest(ref).digest());
    }

    @Override
    public Manifest manifest(ImageRef ref) {
        Response response = call(ref, Request.read("GET", "/manifests/" + reference(ref), Manifest.ACCEPT));
        if (response.status() == 404) {
            throw new UserError("The image " + ref + " does not exist in its registry" + response.errorText() + ".");
        }
        response.expectSuccess("read the manifest of " + ref);
        Digest computed = Manifest.sha256(response.body());
        if (ref.digestOpt().isPresent() && !ref.digestOpt().get().equals(computed)) {
            throw new UserError("The registry " + ref.registry() + " sent a manifest for " + ref + " whose content has "
                    + "digest " + computed + ". Something between here and the registry changed it; run again.");
        }
        // The digest is what was read, hashed: ECR answers a GET without Docker-Content-Digest (only HEAD has it).
        return new Manifest(Manifest.mediaTypeOf(response.body(), response.header("Content-Type").orElse(null)),
                computed, response.body());
    }

    @Override
    public void putManifest(ImageRef tagged, Manifest manifest) {
        Request put = new Request("PUT", "/manifests/" + reference(tagged), Manifest.ACCEPT,
                Optional.of(new Body(manifest.mediaType(), manifest.content())));
        // A manifest PUT is idempotent, so the transport tries a passing failure (5xx, 429, no answer) again.
        Response response = call(tagged, put);
        if (!response.answer().successful()) {
            throw new ManifestRefused(tagged, response.status(), response.errorText(),
                    RetryPolicy.isPassing(response.status()) ? transport.attempts() : 1);
        }
        Optional<Digest> stored = response.header("Docker-Content-Digest").map(Digest::parse);
        if (stored.isPresent() && !stored.get().equals(manifest.digest())) {
            throw new UserError("The registry " + tagged.registry() + " stored " + tagged + " as " + stored.get()
                    + " instead of " + manifest.digest() + ": it rewrote the manifest, so the tags of this run "
                    + "would not share one digest.");
        }
    }

    /**
     * No cross-repository mount is asked for, even within one registry: ECR mounts only with the account's
     * BLOB_MOUNTING setting on (off by default since 2026), and only between repositories of one encryption, so a
     * mount request mostly opens a plain upload anyway. Asking first whether the target has the blob is as cheap.
     */
    @Override
    public BlobTransfer transferBlob(ImageRef source, ImageRef target, Blob blob) {
        if (hasBlob(target, blob.digest())) {
            return BlobTransfer.PRESENT;
        }
        try {
            stream(source, target, blob, startUpload(target));
        } catch (RegistryAuthorizer.UploadOutlivedLogin renewed) {
            // the source can be read again: the copy starts over with the renewed login
            stream(source, target, blob, startUpload(target));
        }
        return BlobTransfer.COPIED;
    }

    @Override
    public void checkUploads(ImageRef repository) {
        Response started = startUploadIn(repository);
        expectUploadStarted(started, repository);
        Optional<String> location = started.header("Location");
        if (location.isEmpty()) {
            return;
        }
        try {
            // the upload is left unused: cancelled where the registry can, else it expires on its own
            transport.call(repository.registry(), repository.repository(), Request.read("DELETE", location.get(), "*/*"), 1);
        } catch (UserError notCancelled) {
            // nothing was uploaded; an upload nobody completes expires
        }
    }

    @Override
    public boolean hasBlob(ImageRef repository, Digest digest) {
        Response head = call(repository, Request.read("HEAD", "/blobs/" + digest, "*/*"));
        if (head.status() == 404) {
            return false;
        }
        if (head.status() == 401 || head.status() == 403) {
            // asked before an upload: the push permissions are what to check
            throw new UserError("The registry " + repository.registry() + " denied looking up blob " + digest + " in "
                    + repository.repository() + " (" + head.status() + head.errorText() + "). Check the credentials, and "
                    + "that the identity may push to the repository: " + UploadRefused.PUSH_PERMISSIONS + ".");
        }
        head.expectSuccess("look up blob " + digest + " in " + repository.repositoryUri());
        return true;
    }

    @Override
    public void uploadBlob(ImageRef repository, Blob blob, InputStream content) {
        putUpload(repository, blob, startUpload(repository), content, blob.size());
    }

    private String startUpload(ImageRef target) {
        return uploadLocation(startUploadIn(target), target);
    }

    /**
     * The POST that opens an upload. It is sent twice at most when it gets no answer: ECR gives none, on every attempt,
     * to an upload into a repository that does not exist or by credentials that may not push (see {@link UploadRefused}).
     */
    private Response startUploadIn(ImageRef target) {
        try {
            return transport.call(target.registry(), target.repository(), new Request("POST", "/blobs/uploads/",
                    "application/json", Optional.of(EMPTY)), UPLOAD_START_ATTEMPTS);
        } catch (RegistryTransport.RegistryUnreachable noAnswer) {
            throw new UploadRefused(target, UPLOAD_START_ATTEMPTS, noAnswer);
        }
    }

    /** The one PUT of a monolithic upload: the whole blob, closing the upload the registry opened at {@code upload}. */
    private void putUpload(ImageRef target, Blob blob, String upload, InputStream content, long length) {
        Response put = transport.upload(target.registry(), target.repository(), "PUT",
                upload + (upload.contains("?") ? "&" : "?") + "digest=" + blob.digest(), content, length);
        String what = "upload " + blob.digest() + " to " + target.repositoryUri();
        if (!put.successful() && RetryPolicy.isPassing(put.status())) {
            throw new BlobUploadFailed(put.failure(what), target.registry(), put.status());
        }
        put.expectSuccess(what);
    }

    private static String uploadLocation(Response start, ImageRef target) {
        expectUploadStarted(start, target);
        return start.header("Location").orElseThrow(() -> new UserError("The registry " + target.registry()
                + " opened an upload to " + target.repository() + " without saying where to send it (no Location)."));
    }

    private static void expectUploadStarted(Response start, ImageRef target) {
        if (start.status() == 401 || start.status() == 403) {
            throw UploadRefused.denied(target, start.status(), start.errorText());
        }
        start.expectSuccess("start an upload to " + target.repositoryUri());
    }

    /**
     * The blob goes from the source's answer straight into one PUT that also closes the upload: the
     * distribution spec's monolithic upload (the registry checks the digest). Streamed, never held in memory.
     */
    private void stream(ImageRef source, ImageRef target, Blob blob, String upload) {
        try (HttpCall.Streamed download = transport.download(source.registry(), source.repository(),
                "/blobs/" + blob.digest(), "*/*")) {
            if (download.status() / 100 != 2) {
                throw new UserError("Could not read blob " + blob.digest() + " of " + source.repositoryUri()
                        + ": the registry " + source.registry() + " answered " + download.status() + ".");
            }
            long length = download.length() >= 0 ? download.length() : blob.size();
            putUpload(target, blob, upload, download.body(), length);
        } catch (IOException e) {
            throw new UserError("Copying blob " + blob.digest() + " from " + source.repositoryUri() + " to "
                    + target.repositoryUri() + " broke off (" + e.getMessage() + "); run the step again.", null, e);
        }
    }

    @Override
    public byte[] configBlob(ImageRef image, Digest config) {
        Response response = call(image, Request.read("GET", "/blobs/" + config, CONFIG_ACCEPT));
        response.expectSuccess("read the config of " + image);
        if (!Manifest.sha256(response.body()).equals(config)) {
            throw new UserError("The registry " + image.registry() + " sent a config blob for " + image
                    + " that does not match its digest " + config + "; run again.");
        }
        return response.body();
    }

    @Override
    public List<Tag> tags(String registry, RepositoryName repository) {
        List<Tag> tags = new ArrayList<>();
        // ECR refuses a page larger than 1000 (400 UNSUPPORTED) and writes the next page's Link as a whole URL
        String next = "/tags/list?n=" + MAX_TAGS_PAGE;
        while (next != null) {
            Response response = transport.call(registry, repository, Request.read("GET", next, "application/json"));
            if (response.status() == 404) {
                return tags;
            }
            response.expectSuccess("list the tags of " + registry + "/" + repository);
            try {
                for (JsonNode tag : JSON.readTree(response.body()).path("tags")) {
                    if (Tag.isValid(tag.asText())) {
                        tags.add(Tag.of(tag.asText()));
                    }
                }
            } catch (IOException e) {
                throw new UserError("The registry " + registry + " answered the tag list of " + repository
                        + " with something that is not JSON.");
            }
            next = response.header("Link").map(NEXT_LINK::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse(null);
            if (next != null && !transport.onRegistry(registry, next)) {
                throw new UserError("The registry " + registry + " pointed the next page of the tag list of " + repository
                        + " at another host (" + java.net.URI.create(next).getAuthority() + "), where ecrflow does not "
                        + "send the registry's login. Check that the registry address is the registry's own, not a "
                        + "proxy's.");
            }
        }
        return tags;
    }

    private Response call(ImageRef ref, Request request) {
        return transport.call(ref.registry(), ref.repository(), request);
    }

    private static String reference(ImageRef ref) {
        return ref.digestOpt().map(Digest::toString).orElseGet(() -> ref.tag().value());
    }

}
