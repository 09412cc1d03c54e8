package io.ecrflow.registry;

import java.util.regex.Pattern;

/** A content digest such as {@code sha256:0123…}; valid once constructed. */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!"sha256".equals(algorithm) || !SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + algorithm + ":" + hex);
        }
    }

    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a digest: " + text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1).trim());
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
