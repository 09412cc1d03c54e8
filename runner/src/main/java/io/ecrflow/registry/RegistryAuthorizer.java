package io.ecrflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.registry.RegistryTransport.Request;
import io.ecrflow.registry.RegistryTransport.Response;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one place a registry request gets its credential, whatever it is (an API call, a blob download, an upload), as
 * go-containerregistry stacks one auth RoundTripper under every request: it answers the registry's challenge (a bearer
 * token from the named token service, anonymous or with the user's credential as Basic auth, or Basic auth directly),
 * keeps the answer per repository for the following requests, and when the registry says the credential no longer
 * holds, renews it once and repeats the request. A refusal that is not about expiry (a 403 from IAM) is handed back
 * as it came, for the caller's own error.
 */
final class RegistryAuthorizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sending of a request with this Authorization header (or none). */
    @FunctionalInterface
    interface Attempt<T> {
        Sent<T> send(Optional<String> authorization);
    }

    /** What an attempt got: the answer to hand on, and its status, headers and error body to judge it by. */
    record Sent<T>(T answer, Response view) {
        static Sent<Response> of(Response response) {
            return new Sent<>(response, response);
        }
    }

    /** Asks a token service (the challenge's realm) for a token, with Basic auth or none. */
    @FunctionalInterface
    interface TokenService {
        Response get(URI tokenUri, Optional<String> authorization);
    }

    private final TokenService tokenService;
    private final Consumer<String> warnings;
    private final Map<String, RegistryCredential> credentials;
    private final Map<String, Supplier<RegistryCredential>> renewals;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    private final Set<String> renewed = ConcurrentHashMap.newKeySet();

    RegistryAuthorizer(TokenService tokenService, Consumer<String> warnings) {
        this(tokenService, warnings, Map.of(), Map.of());
    }

    private RegistryAuthorizer(TokenService tokenService, Consumer<String> warnings,
                               Map<String, RegistryCredential> credentials,
                               Map<String, Supplier<RegistryCredential>> renewals) {
        this.tokenService = tokenService;
        this.warnings = warnings;
        this.credentials = new ConcurrentHashMap<>(credentials);
        this.renewals = Map.copyOf(renewals);
    }

    /** The same, with one more credential (and a way to renew it); tokens are asked for afresh. */
    RegistryAuthorizer withCredential(RegistryCredential credential, Optional<Supplier<RegistryCredential>> renewal) {
        Map<String, RegistryCredential> allCredentials = new HashMap<>(credentials);
        allCredentials.put(credential.registry(), credential);
        Map<String, Supplier<RegistryCredential>> allRenewals = new HashMap<>(renewals);
        renewal.ifPresent(r -> allRenewals.put(credential.registry(), r));
        return new RegistryAuthorizer(tokenService, warnings, allCredentials, allRenewals);
    }

    /**
     * Sends a request that can be sent again: with the authorization this repository earned, answering a challenge,
     * and renewing the credential once when the registry answers that it expired.
     */
    <T> T send(String registry, RepositoryName repository, Request request, Attempt<T> attempt) {
        String key = key(registry, repository);
        Optional<String> cached = Optional.ofNullable(authorizations.get(key));
        Sent<T> sent = attempt.send(cached);
        if (expiredLogin(request, sent.view()) && renew(registry, cached)) {
            sent = attempt.send(Optional.ofNullable(authorizations.get(key)));
        } else if (cached.isPresent() && expiredToken(cached.get(), request, sent.view())) {
            warnings.accept("The registry " + registry + " refused the token for " + repository + " as no longer valid "
                    + "(400" + sent.view().errorText() + "): getting a new one and asking again.");
            authorizations.remove(key, cached.get());
            sent = attempt.send(Optional.empty());
        }
        if (sent.view().status() != 401) {
            return sent.answer();
        }
        AuthChallenge challenge = sent.view().header("WWW-Authenticate").flatMap(AuthChallenge::parse)
                .orElseThrow(() -> new UserError("The registry " + registry + " refused access to " + repository
                        + " without saying how to authenticate (no WWW-Authenticate header)."));
        String authorization = authorize(challenge, registry, repository);
        sent = attempt.send(Optional.of(authorization));
        if ((sent.view().status() == 401 || expiredLogin(request, sent.view()))
                && renew(registry, Optional.of(authorization))) {
            authorization = authorize(challenge, registry, repository);
            sent = attempt.send(Optional.of(authorization));
        }
        if (sent.view().status() == 401) {
            throw denied(registry, repository, sent.view());
        }
        if (expiredToken(authorization, request, sent.view())) {
            throw new UserError("The registry " + registry + " refused a token it had just issued for " + repository
                    + " (400" + sent.view().errorText() + "). Check that the login (for ECR Public: "
                    + "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken) may " + (request.method().equals("GET")
                    || request.method().equals("HEAD") ? "read" : "push to") + " this repository.");
        }
        return sent.answer();
    }

    /**
     * Sends a request whose body cannot be sent twice (an upload's blob, streamed from another registry's answer and
     * possibly gigabytes: holding it to send again is no option) once, with the authorization the repository earned.
     * The renewal comes before the body instead: the POST that opens an upload goes through {@link #send} just before,
     * so the body goes with a login the registry accepted a moment ago. Should the login expire while the upload is
     * open all the same, it is renewed and {@link UploadOutlivedLogin} says so, for the caller to start the upload over.
     */
    <T> T sendOnce(String registry, RepositoryName repository, Request request, Attempt<T> attempt) {
        String key = key(registry, repository);
        Optional<String> authorization = Optional.ofNullable(authorizations.get(key));
        Sent<T> sent = attempt.send(authorization);
        if (expiredLogin(request, sent.view()) && renew(registry, authorization)) {
            throw new UploadOutlivedLogin(registry, repository);
        }
        if (authorization.isPresent() && expiredToken(authorization.get(), request, sent.view())) {
            authorizations.remove(key, authorization.get());
            throw new UploadOutlivedLogin(registry, repository);
        }
        return sent.answer();
    }

    /** An upload's login expired while it was open; the login is renewed, the upload must start over. */
    static final class UploadOutlivedLogin extends UserError {
        UploadOutlivedLogin(String registry, RepositoryName repository) {
            super("The registry " + registry + " refused an upload to " + repository + ": its login expired while the "
                    + "upload was open. The login is renewed; run the step again.");
        }
    }

    /**
     * ECR Public answers a bearer token that is no longer valid (its tokens last an hour, and a run can outlast one)
     * with 400 DENIED "Your Authorization Token is invalid." and no challenge, not with 401 (aws/containers-roadmap
     * issue 2835; oras-project/oras-go issue 1227): a new token is the fix. A HEAD's 400 has no body to tell, so with a
     * bearer token it counts as one too: the token is asked for again once per request, and a real refusal stays one.
     */
    private static boolean expiredToken(String authorization, Request request, Response response) {
        if (!authorization.startsWith("Bearer ") || response.status() != 400) {
            return false;
        }
        return response.errorCodes().contains("DENIED") || request.method().equals("HEAD") && response.body().length == 0;
    }

    /**
     * ECR answers a login that has expired with 403 DENIED "Your authorization token has expired. Reauthenticate and
     * try again." rather than a new challenge; a fresh login is the fix. A HEAD's 403 has no body to tell, so it
     * counts as one too: the login is renewed once per run at most, and a real refusal stays a refusal.
     */
    private static boolean expiredLogin(Request request, Response response) {
        if (response.status() != 403) {
            return false;
        }
        return response.errorText().toLowerCase(Locale.ROOT).contains("token has expired")
                || request.method().equals("HEAD") && response.body().length == 0;
    }

    /**
     * Logs in to the registry again, once per run; false when there is no way to (or it was done already). A request
     * sent with a login that was renewed meanwhile (by another request) only needs repeating: true, no new login.
     */
    private boolean renew(String registry, Optional<String> sent) {
        Supplier<RegistryCredential> renewal = renewals.get(registry);
        if (renewal == null || !credentials.containsKey(registry)) {
            return false;
        }
        synchronized (renewed) {
            RegistryCredential current = credentials.get(registry);
            if (renewed.contains(registry)) {
                return sent.filter(header -> header.startsWith("Basic ")).isPresent()
                        && !sent.get().equals(basicHeader(current));
            }
            renewed.add(registry);
            warnings.accept("The registry " + registry + " refused the login: it expired during the run. Logging in again.");
            RegistryCredential fresh = renewal.get();
            credentials.put(registry, fresh);
            // Basic auth is the login itself, so it takes the new one at once: an upload opened before the renewal
            // sends its body with it. Tokens are asked for again, as the registry's challenge says.
            authorizations.entrySet().removeIf(kept -> kept.getKey().startsWith(registry + " ")
                    && !kept.getValue().startsWith("Basic "));
            authorizations.replaceAll((key, authorization) -> key.startsWith(registry + " ") ? basicHeader(fresh)
                    : authorization);
            return true;
        }
    }

    /** The Authorization header that answers {@code challenge}, kept for the repository's following requests. */
    private String authorize(AuthChallenge challenge, String registry, RepositoryName repository) {
        String authorization = answer(challenge, registry, repository);
        authorizations.put(key(registry, repository), authorization);
        return authorization;
    }

    private String answer(AuthChallenge challenge, String registry, RepositoryName repository) {
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
        Response response = tokenService.get(tokenUri, credential.map(RegistryAuthorizer::basicHeader));
        if ((response.status() == 401 || response.status() == 403) && credential.isPresent()
                && renew(registry, credential.map(RegistryAuthorizer::basicHeader))) {
            // the login the token is asked with expired during the run (ECR Public's: 12 hours)
            credential = Optional.ofNullable(credentials.get(registry));
            response = tokenService.get(tokenUri, credential.map(RegistryAuthorizer::basicHeader));
        }
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

    private UserError denied(String registry, RepositoryName repository, Response response) {
        return new UserError("The registry " + registry + " refused access to " + repository + " ("
                + response.status() + response.errorText() + "). " + (credentials.containsKey(registry)
                ? "Check that the credentials given for " + registry + " may read it."
                : "It may be private: give upstreamUsername and the INPUT_UPSTREAMPASSWORD secret."));
    }

    private static String key(String registry, RepositoryName repository) {
        return registry + " " + repository;
    }

    private static String basicHeader(RegistryCredential credential) {
        String pair = credential.username() + ":" + credential.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
