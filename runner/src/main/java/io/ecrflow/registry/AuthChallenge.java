package io.ecrflow.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A registry's {@code WWW-Authenticate} answer: {@code Bearer realm="…",service="…",scope="…"} (token
 * auth, as Docker Hub and MCR use it: https://distribution.github.io/distribution/spec/auth/token/) or
 * {@code Basic realm="…"} (as ECR uses it).
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

    AuthChallenge {
        parameters = Map.copyOf(parameters);
    }

    boolean isBearer() {
        return scheme.equalsIgnoreCase("Bearer");
    }

    boolean isBasic() {
        return scheme.equalsIgnoreCase("Basic");
    }

    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Parses one challenge; quoted values may hold commas ({@code scope="repository:a:pull,push"}). */
    static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = space < 0 ? text : text.substring(0, space);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = text.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            parameters.put(name, value.toString().trim());
        }
        return Optional.of(new AuthChallenge(scheme, parameters));
    }
}
