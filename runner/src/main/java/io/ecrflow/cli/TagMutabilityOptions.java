package io.ecrflow.cli;

import io.ecrflow.aws.TagMutability;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The exceptions to a new repository's tag mutability ({@code --mutability-exclusions}); each command states
 * its own {@code --tag-mutability} default, so that option lives in the command.
 */
public final class TagMutabilityOptions {

    static final String MODES = "MUTABLE|IMMUTABLE|IMMUTABLE_WITH_EXCLUSION|MUTABLE_WITH_EXCLUSION";

    @Option(names = "--mutability-exclusions", paramLabel = "FILTERS",
            description = "With a *_WITH_EXCLUSION tag mutability: the tags that are the exception, as wildcard "
                    + "filters (latest, 6.*), comma- or newline-separated, at most 5.")
    List<String> mutabilityExclusions;

    /**
     * The mutability asked for.
     *
     * @param mode the {@code --tag-mutability} value, blank for {@code fallback}
     * @param defaultExclusions the exceptions when the mode takes some and none are given
     */
    TagMutability mutability(String mode, TagMutability.Mode fallback, List<String> defaultExclusions) {
        TagMutability.Mode chosen = Inputs.choice(mode, TagMutability.Mode.class, fallback, "tagMutability");
        List<String> exclusions = Inputs.list(mutabilityExclusions);
        return TagMutability.of(chosen, exclusions.isEmpty() && chosen.takesExclusions() ? defaultExclusions : exclusions,
                "tagMutability", "mutabilityExclusions");
    }

    /** Whether exclusions were given, rather than left to the command's default. */
    boolean given() {
        return !Inputs.list(mutabilityExclusions).isEmpty();
    }
}
