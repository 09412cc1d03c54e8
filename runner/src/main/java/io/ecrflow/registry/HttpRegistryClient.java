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
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String CONFIG_ACCEPT = "application/vnd.oci.image.config.v1+json, "
            + "application/vnd.docker.container.image.v1+json, */*";
    private static final Body EMPTY = new Body("application/octet-stream", new byte[0]);

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

    @Override
    public BlobTransfer transferBlob(ImageRef source, ImageRef target, Blob blob) {
        String upload;
        if (source.registry().equals(target.registry())) {
            Response mount = call(target, new Request("POST", "/blobs/uploads/?mount=" + blob.digest() + "&from="
                    + source.repository(), "application/json", Optional.of(EMPTY)));
            if (mount.status() == 201) {
                return BlobTransfer.MOUNTED;
            }
            // Declined (the registry does not mount, or not from there): it opened an upload instead.
            upload = uploadLocation(mount, target, blob);
        } else {
            if (hasBlob(target, blob.digest())) {
                return BlobTransfer.PRESENT;
            }
            upload = startUpload(target, blob);
        }
        stream(source, target, blob, upload);
        return BlobTransfer.COPIED;
    }

    @Override
    public boolean hasBlob(ImageRef repository, Digest digest) {
        Response head = call(repository, Request.read("HEAD", "/blobs/" + digest, "*/*"));
        if (head.status() == 404) {
            return false;
        }
        head.expectSuccess("look up blob " + digest + " in " + repository.repositoryUri());
        return true;
    }

    @Override
    public void uploadBlob(ImageRef repository, Blob blob, InputStream content) {
        putUpload(repository, blob, startUpload(repository, blob), content, blob.size());
    }

    private String startUpload(ImageRef target, Blob blob) {
        return uploadLocation(call(target, new Request("POST", "/blobs/uploads/", "application/json",
                Optional.of(EMPTY))), target, blob);
    }

    /** The one PUT of a monolithic upload: the whole blob, closing the upload the registry opened at {@code upload}. */
    private void putUpload(ImageRef target, Blob blob, String upload, InputStream content, long length) {
        Response put = transport.upload(target.registry(), target.repository(), "PUT",
                upload + (upload.contains("?") ? "&" : "?") + "digest=" + blob.digest(), content, length);
        put.expectSuccess("upload " + blob.digest() + " to " + target.repositoryUri());
    }

    private static String uploadLocation(Response start, ImageRef target, Blob blob) {
        start.expectSuccess("start the upload of " + blob.digest() + " to " + target.repositoryUri());
        return start.header("Location").orElseThrow(() -> new UserError("The registry " + target.registry()
                + " opened an upload to " + target.repository() + " without saying where to send it (no Location)."));
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
        String next = "/tags/list?n=1000";
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
