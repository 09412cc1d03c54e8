package io.ecrflow.registry;

import java.util.regex.Pattern;

/** An image tag as the OCI distribution spec allows it: up to 128 of {@code [A-Za-z0-9_.-]}, not starting with '.' or '-'. */
public record Tag(String value) {
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public Tag {
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid tag: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    public static Tag of(String value) {
        return new Tag(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
