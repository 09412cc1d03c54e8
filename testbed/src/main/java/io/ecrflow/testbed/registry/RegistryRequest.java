package io.ecrflow.testbed.registry;

import io.ecrflow.testbed.aws.JsonText;
import java.util.Locale;

/**
 * One request a client made to the registry front, as counted for tests and the benchmark: what it
 * addressed (manifest, blob, upload, tag list) in which repository, and the answer's status.
 */
public record RegistryRequest(String method, String kind, String repository, String reference, int status) {

    public boolean isBlob() {
        return kind.equals("BLOB") || kind.equals("UPLOAD");
    }

    public boolean isManifestWrite() {
        return kind.equals("MANIFEST") && method.equals("PUT");
    }

    String toJson() {
        return "{\"method\":" + JsonText.quote(method) + ",\"kind\":" + JsonText.quote(kind.toLowerCase(Locale.ROOT))
                + ",\"repository\":" + JsonText.quote(repository) + ",\"reference\":" + JsonText.quote(reference)
                + ",\"status\":" + status + "}";
    }
}
