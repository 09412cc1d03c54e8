package io.ecrflow.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.http.HttpCall;
import io.ecrflow.http.UntrustedCertificate;
import io.ecrflow.pipeline.Environment;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The OIDC token Azure Pipelines issues for a service connection (workload identity federation): a POST
 * to {@code System.OidcRequestUri} with {@code api-version=7.1&serviceConnectionId=<id>}, authenticated
 * with the job's access token, answered with {@code {"oidcToken": "..."}} — the call the task library's
 * {@code getFederatedToken} makes. The token's issuer is whatever Azure DevOps uses for the connection
 * (the Azure DevOps issuer or, after its retirement, Microsoft Entra's); nothing here depends on it.
 */
final class AzurePipelinesOidcToken implements IdentityToken {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String serviceConnectionId;
    private final Environment env;

    AzurePipelinesOidcToken(String serviceConnectionId, Environment env) {
        this.serviceConnectionId = serviceConnectionId;
        this.env = env;
    }

    @Override
    public String describe() {
        return "the OIDC token of service connection " + serviceConnectionId;
    }

    @Override
    public Secret fetch() {
        String requestUri = env.get("SYSTEM_OIDCREQUESTURI").orElseThrow(() -> new UserError("Service connection "
                + serviceConnectionId + " uses workload identity federation, which needs System.OidcRequestUri; only "
                + "Azure Pipelines jobs have it. Outside Azure Pipelines use webIdentityTokenFile instead.",
                "oidcServiceConnectionId"));
        Secret accessToken = env.jobAccessToken().orElseThrow(() -> new UserError("Requesting an OIDC token for "
                + "service connection " + serviceConnectionId + " needs the job's access token. Map it into the step: "
                + "env: SYSTEM_ACCESSTOKEN: $(System.AccessToken).", "oidcServiceConnectionId"));
        URI uri;
        try {
            uri = URI.create(requestUri + (requestUri.contains("?") ? "&" : "?") + "api-version=7.1&serviceConnectionId="
                    + URLEncoder.encode(serviceConnectionId, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new UserError("System.OidcRequestUri is not a URL: " + requestUri, "oidcServiceConnectionId", e);
        }
        HttpCall.Response response = post(uri, accessToken);
        if (response.status() != 200) {
            throw new UserError("Azure DevOps refused the OIDC token for service connection " + serviceConnectionId
                    + " (HTTP " + response.status() + snippet(response.text()) + "). Check that the service connection "
                    + "exists, uses workload identity federation and that this pipeline is allowed to use it.",
                    "oidcServiceConnectionId");
        }
        return Secret.of(oidcToken(response.text()).orElseThrow(() -> new UserError("Azure DevOps answered the OIDC "
                + "token request for service connection " + serviceConnectionId + " without an oidcToken.",
                "oidcServiceConnectionId")));
    }

    private HttpCall.Response post(URI uri, Secret accessToken) {
        try {
            return HttpCall.post(uri, new byte[0])
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + accessToken.reveal())
                    .send();
        } catch (IOException e) {
            UntrustedCertificate.find(e, uri.getAuthority()).ifPresent(untrusted -> {
                throw untrusted;
            });
            throw new UserError("Could not reach Azure DevOps for the OIDC token of service connection "
                    + serviceConnectionId + " (" + uri.getHost() + "): " + e.getMessage(), "oidcServiceConnectionId", e);
        }
    }

    private static Optional<String> oidcToken(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.path("oidcToken").isTextual() && !json.path("oidcToken").asText().isBlank()
                    ? Optional.of(json.path("oidcToken").asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** An error body explains refusals; a successful body would hold the token and is never shown. */
    private static String snippet(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }
}
