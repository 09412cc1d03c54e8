package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RegistryClient} over the OCI distribution API with the JDK's HTTP client. It asks without
 * credentials first and answers the registry's challenge: a bearer token from the named token service
 * (anonymous, or with the user's credential as Basic auth), or Basic auth directly. The answer is kept
 * per repository for the following calls. Redirects (blob downloads go to storage such as S3) are
 * followed by hand so the registry's Authorization header never travels to another host.
 */
public final class HttpRegistryClient implements RegistryClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String CONFIG_ACCEPT = "application/vnd.oci.image.config.v1+json, "
            + "application/vnd.docker.container.image.v1+json, */*";

    private final RegistryEndpoints endpoints;
    private final Map<String, RegistryCredential> credentials;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    private HttpRegistryClient(RegistryEndpoints endpoints, Map<String, RegistryCredential> credentials) {
        this.endpoints = endpoints;
        this.credentials = Map.copyOf(credentials);
    }

    /**
     * @param insecureRegistries hosts (with port, as in image references) to reach over plain HTTP
     *                           besides the loopback ones
     */
    public static HttpRegistryClient create(Set<String> insecureRegistries) {
        return new HttpRegistryClient(new RegistryEndpoints(insecureRegistries), Map.of());
    }

    @Override
    public RegistryClient withCredential(RegistryCredential credential) {
        Map<String, RegistryCredential> all = new HashMap<>(credentials);
        all.put(credential.registry(), credential);
        return new HttpRegistryClient(endpoints, all);
    }

    @Override
    public Optional<Digest> manifestDigest(ImageRef ref) {
        Response response = call("HEAD", ref.registry(), ref.repository(), "/manifests/" + reference(ref), Manifest.ACCEPT);
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
        Response response = call("GET", ref.registry(), ref.repository(), "/manifests/" + reference(ref), Manifest.ACCEPT);
        if (response.status() == 404) {
            throw new UserError("The image " + ref + " does not exist in its registry" + response.errorText() + ".");
        }
        response.expectSuccess("read the manifest of " + ref);
        Digest computed = Manifest.sha256(response.body());
        if (ref.digestOpt().isPresent() && !ref.digestOpt().get().equals(computed)) {
            throw new UserError("The registry " + ref.registry() + " sent a manifest for " + ref + " whose content has "
                    + "digest " + computed + ". Something between here and the registry changed it; run again.");
        }
        Digest digest = response.header("Docker-Content-Digest").map(Digest::parse).orElse(computed);
        return new Manifest(Manifest.mediaTypeOf(response.body(), response.header("Content-Type").orElse(null)),
                digest, response.body());
    }

    @Override
    public byte[] configBlob(ImageRef image, Digest config) {
        Response response = call("GET", image.registry(), image.repository(), "/blobs/" + config, CONFIG_ACCEPT);
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
        String next = "/v2/" + repository + "/tags/list?n=1000";
        while (next != null) {
            Response response = call("GET", registry, repository, next, "application/json");
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

    private static String reference(ImageRef ref) {
        return ref.digestOpt().map(Digest::toString).orElseGet(() -> ref.tag().value());
    }

    /** One API call, answering an authentication challenge once. {@code path} is below /v2/&lt;name&gt; or absolute. */
    private Response call(String method, String registry, RepositoryName repository, String path, String accept) {
        URI base = endpoints.base(registry);
        // A tag list's next-page link is a path from /v2/ on, or a whole URL.
        boolean whole = path.startsWith("/v2/") || path.contains("://");
        URI uri = base.resolve(whole ? path : "/v2/" + repository + path);
        String key = registry + " " + repository;
        Response response = exchange(method, uri, accept, Optional.ofNullable(authorizations.get(key)), registry);
        if (response.status() != 401) {
            return response;
        }
        AuthChallenge challenge = response.header("WWW-Authenticate").flatMap(AuthChallenge::parse)
                .orElseThrow(() -> new UserError("The registry " + registry + " refused access to " + repository
                        + " without saying how to authenticate (no WWW-Authenticate header)."));
        String authorization = authorize(challenge, registry, repository);
        authorizations.put(key, authorization);
        response = exchange(method, uri, accept, Optional.of(authorization), registry);
        if (response.status() == 401) {
            throw denied(registry, repository, response);
        }
        return response;
    }

    private String authorize(AuthChallenge challenge, String registry, RepositoryName repository) {
        Optional<RegistryCredential> credential = Optional.ofNullable(credentials.get(registry));
        if (challenge.isBasic()) {
            RegistryCredential basic = credential.orElseThrow(() -> new UserError("The registry " + registry
                    + " needs a user name and password to read " + repository + ". Give them for this registry "
                    + "(for a base image: upstreamUsername and the INPUT_UPSTREAMPASSWORD secret)."));
            return basicHeader(basic);
        }
        if (!challenge.isBearer()) {
            throw new UserError("The registry " + registry + " asks for '" + challenge.scheme()
                    + "' authentication; only Bearer token and Basic authentication are supported.");
        }
        String realm = challenge.parameter("realm").orElseThrow(() -> new UserError("The registry " + registry
                + " asks for a bearer token but names no token service (realm)."));
        String scope = challenge.parameter("scope").orElse("repository:" + repository + ":pull");
        StringBuilder query = new StringBuilder();
        challenge.parameter("service").ifPresent(service -> query.append("service=").append(encode(service)).append('&'));
        query.append("scope=").append(encode(scope));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        Response response = exchange("GET", tokenUri, "application/json", credential.map(HttpRegistryClient::basicHeader),
                tokenUri.getAuthority());
        if (response.status() == 401 || response.status() == 403) {
            throw new UserError("The token service of " + registry + " (" + tokenUri.getHost() + ") refused a token for "
                    + repository + (credential.isPresent()
                    ? ": check the user name and password given for " + registry + "."
                    : ". The image may be private: give upstreamUsername and the INPUT_UPSTREAMPASSWORD secret."));
        }
        response.expectSuccess("get a token for " + registry + "/" + repository + " from " + tokenUri.getHost());
        try {
            JsonNode answer = JSON.readTree(response.body());
            String token = answer.path("token").asText(answer.path("access_token").asText(""));
            if (token.isBlank()) {
                throw new UserError("The token service of " + registry + " answered without a token.");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new UserError("The token service of " + registry + " answered with something that is not JSON.");
        }
    }

    private Response exchange(String method, URI uri, String accept, Optional<String> authorization, String registry) {
        URI target = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpCall request = HttpCall.to(method, target).timeout(TIMEOUT).header("Accept", accept);
            if (authorization.isPresent() && sameOrigin(target, uri)) {
                request.header("Authorization", authorization.get());
            }
            HttpCall.Response response = send(request, registry);
            Optional<String> location = response.header("Location");
            if (isRedirect(response.status()) && location.isPresent()) {
                target = target.resolve(location.get());
                continue;
            }
            return new Response(registry, response);
        }
        throw new UserError("The registry " + registry + " redirected more than " + MAX_REDIRECTS + " times.");
    }

    private static HttpCall.Response send(HttpCall request, String registry) {
        try {
            return request.send();
        } catch (IOException e) {
            // Only the host is named: a redirect target may carry a signature in its query.
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UserError("Could not reach the registry " + registry + " at " + request.uri().getScheme() + "://"
                    + request.uri().getAuthority() + " (" + reason + "). Check the image name, the network and any "
                    + "proxy between this agent and the registry.", null, e);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getAuthority(), b.getAuthority());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String basicHeader(RegistryCredential credential) {
        String pair = credential.username() + ":" + credential.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private UserError denied(String registry, RepositoryName repository, Response response) {
        return new UserError("The registry " + registry + " refused access to " + repository + " ("
                + response.status() + response.errorText() + "). " + (credentials.containsKey(registry)
                ? "Check that the credentials given for " + registry + " may read it."
                : "It may be private: give upstreamUsername and the INPUT_UPSTREAMPASSWORD secret."));
    }

    /** A registry's answer. */
    private record Response(String registry, HttpCall.Response answer) {
        int status() {
            return answer.status();
        }

        byte[] body() {
            return answer.body();
        }

        Optional<String> header(String name) {
            return answer.header(name);
        }

        void expectSuccess(String what) {
            if (answer.successful()) {
                return;
            }
            throw new UserError("Could not " + what + ": the registry " + registry + " answered " + status() + errorText()
                    + (status() == 403 ? ". Check that the credentials may read this repository." : "."));
        }

        /** The distribution API's {@code {"errors":[{"code":…,"message":…}]}}, as " (CODE: message)". */
        String errorText() {
            try {
                List<String> errors = new ArrayList<>();
                for (JsonNode error : JSON.readTree(body()).path("errors")) {
                    errors.add(error.path("code").asText("") + ": " + error.path("message").asText(""));
                }
                return errors.isEmpty() ? "" : " (" + String.join("; ", errors) + ")";
            } catch (IOException | RuntimeException notJson) {
                return "";
            }
        }
    }
}
