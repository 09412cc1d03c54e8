package io.ecrflow.docker;

import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.UploadRefused;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the error a registry gave the engine during a push into a message saying what to do. */
final class PushFailure {
    private PushFailure() {
    }

    /** Messages of a connection that broke or never came about, as Go's net/http and the engine word them. */
    private static final List<String> UNREACHABLE = List.of("eof", "connection refused", "connection reset",
            "broken pipe", "i/o timeout", "no such host", "dial tcp", "tls handshake timeout", "server misbehaving",
            "client.timeout exceeded", "network is unreachable");

    /** The distribution client's words for a 5xx: "received unexpected HTTP status: 500 Internal Server Error". */
    private static final Pattern SERVER_ERROR = Pattern.compile("(?:http status:? |^)(5\\d\\d)\\b");

    static UserError explain(ImageRef ref, String registryMessage) {
        return explain(ref, registryMessage, 0);
    }

    /** @param retries how often the engine retried a layer before giving up */
    static UserError explain(ImageRef ref, String registryMessage, int retries) {
        String said = registryMessage == null || registryMessage.isBlank() ? "no reason given" : registryMessage.trim();
        String lower = said.toLowerCase(Locale.ROOT);
        String tag = ref.tagOpt().map(Object::toString).orElse("");
        // ECR: "tag invalid: The image tag 'v1' already exists in the 'web' repository and cannot be
        // overwritten because the repository is immutable."
        if (lower.contains("tag invalid") || lower.contains("repository is immutable")) {
            return new ImmutableTagTaken("Tag '" + tag + "' already exists in " + ref.repositoryUri()
                    + " and the repository's tags are immutable, so the tag cannot be moved (registry said: " + said
                    + "). Use a tag that is unique to each build, such as the build id or the commit SHA, "
                    + "or make the repository's tags mutable.");
        }
        // ECR: "name unknown: The repository with name 'web' does not exist in the registry with id '…'"
        if (lower.contains("name unknown") || lower.contains("does not exist") || lower.contains("repository not found")) {
            return new UserError("Repository '" + ref.repository() + "' does not exist in " + ref.registry()
                    + " (registry said: " + said + "). Let the task create it (create-repository true), or check "
                    + "the repository name, the region and the registry id.", "repository");
        }
        if (lower.contains("unauthorized") || lower.contains("denied") || lower.contains("no basic auth credentials")
                || lower.contains("authentication required") || lower.contains("not authorized")) {
            return new UserError("The registry " + ref.registry() + " denied the push of " + ref
                    + " (registry said: " + said + "). Check the credentials, and that the identity is allowed "
                    + "to push to this repository: " + UploadRefused.PUSH_PERMISSIONS + ".");
        }
        if (UNREACHABLE.stream().anyMatch(lower::contains)) {
            String message = "Could not reach the registry at " + ref.registry() + " while pushing " + ref
                    + " (engine said: " + said + (retries > 0 ? ", after " + retries + " retries of its layer uploads" : "")
                    + "): the registry closed the connection or is down. Check that it is up and that the Docker "
                    + "Engine can reach it (network, proxy, firewall), then run again; layers already uploaded are not "
                    + "sent again.";
            // Go's client names the request that broke: Put "https://<registry>/v2/<name>/manifests/<tag>": EOF
            return lower.contains("put \"") && lower.contains("/manifests/") ? new ManifestAnswerLost(message)
                    : new UserError(message);
        }
        Matcher serverError = SERVER_ERROR.matcher(lower);
        if (serverError.find() && !serverError.group(1).equals("501")) {
            return new RegistryServerError("The registry at " + ref.registry() + " failed while "
                    + (retries > 0 ? "the engine uploaded the layers of " + ref + " (registry said: " + said + ", after "
                            + retries + " retries of its layer uploads)" : "the engine pushed " + ref + " (registry said: "
                            + said + ")"), retries > 0);
        }
        return new UserError("Pushing " + ref + " failed: " + said);
    }
}
