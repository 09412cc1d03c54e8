package io.ecrflow.registry;

import io.ecrflow.UserError;

import java.util.Locale;
import java.util.regex.Pattern;

/** A repository name as ECR accepts it, e.g. {@code team/web}. */
public record RepositoryName(String value) {
    // The pattern and lengths of CreateRepository's repositoryName (ECR API reference).
    static final String RULE = "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*";
    private static final Pattern PATTERN = Pattern.compile(RULE);

    public RepositoryName {
        if (value.length() < 2 || value.length() > 256 || !PATTERN.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid repository name: " + value);
        }
    }

    /**
     * Parses what a user typed. Capitals are lowered (ECR names are lower case only), anything else
     * that breaks ECR's rule is an error naming the rule.
     */
    public static RepositoryName fromInput(String text, String input) {
        String lowered = text.trim().toLowerCase(Locale.ROOT);
        if (lowered.length() < 2 || lowered.length() > 256 || !PATTERN.matcher(lowered).matches()) {
            throw new UserError("Repository name '" + text + "' is not valid for Amazon ECR. A name is 2 to 256 "
                    + "characters of lower-case letters, digits and the separators '.', '_', '-' (between "
                    + "letters or digits), with '/' between path parts: " + RULE, input);
        }
        return new RepositoryName(lowered);
    }

    @Override
    public String toString() {
        return value;
    }
}
