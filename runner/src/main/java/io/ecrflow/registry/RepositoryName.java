package io.ecrflow.registry;

import io.ecrflow.UserError;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A repository name as ECR accepts it, e.g. {@code team/web}. */
public record RepositoryName(String value) {
    // The pattern and lengths of CreateRepository's repositoryName (ECR API reference).
    static final String RULE = "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*";
    private static final Pattern PATTERN = Pattern.compile(RULE);
    /** A private registry's host: {@code <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]}. */
    private static final Pattern ECR_HOST = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");
    private static final String PUBLIC_HOST = "public.ecr.aws";

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
        refuseRegistryOrTag(lowered, input);
        if (lowered.length() < 2 || lowered.length() > 256 || !PATTERN.matcher(lowered).matches()) {
            throw new UserError("Repository name '" + text + "' is not valid for Amazon ECR. A name is 2 to 256 "
                    + "characters of lower-case letters, digits and the separators '.', '_', '-' (between "
                    + "letters or digits), with '/' between path parts: " + RULE, input);
        }
        return new RepositoryName(lowered);
    }

    /**
     * A full image URI ({@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web}, the usual habit after a
     * script's login) passes ECR's name rule, and would create a repository named after the host: the registry
     * is the step's account and region, so it is refused with the inputs that say it. A tag belongs in the tags.
     */
    private static void refuseRegistryOrTag(String text, String input) {
        int slash = text.indexOf('/');
        if (slash > 0) {
            String host = text.substring(0, slash);
            String name = text.substring(slash + 1);
            Matcher ecr = ECR_HOST.matcher(host);
            if (ecr.matches()) {
                throw new UserError("Repository '" + text + "' names the registry too. Give the repository's name alone, "
                        + "and the registry as region and registry id: " + input + " '" + name + "', region '"
                        + ecr.group(2) + "' (and registryId '" + ecr.group(1) + "' when that is not the account of the "
                        + "credentials).", input);
            }
            if (host.equals(PUBLIC_HOST)) {
                int next = name.indexOf('/');
                String alias = next > 0 ? name.substring(0, next) : name;
                throw new UserError("Repository '" + text + "' names ECR Public's registry too. Give " + input + " '"
                        + (next > 0 ? name.substring(next + 1) : "<name>") + "' with public true and registryAlias '"
                        + alias + "'.", input);
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon > text.lastIndexOf('/') && colon > 0) {
            throw new UserError("Repository '" + text + "' carries a tag: give " + input + " '" + text.substring(0, colon)
                    + "' and the tag '" + text.substring(colon + 1) + "' in the tags.", input);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
