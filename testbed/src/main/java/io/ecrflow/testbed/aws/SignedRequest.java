package io.ecrflow.testbed.aws;

import java.util.List;
import java.util.Map;

/** What the signature verifier needs of an HTTP request, independent of the server that received it. */
record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    /** The values of a header, matching its name case-insensitively. */
    List<String> header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return List.of();
    }

    String firstHeader(String name) {
        List<String> values = header(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
