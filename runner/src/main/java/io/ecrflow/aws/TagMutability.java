package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.registry.Tag;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which tags of a repository may move: all (MUTABLE), none (IMMUTABLE), all but those matching the
 * exclusion filters (MUTABLE_WITH_EXCLUSION) or none but those (IMMUTABLE_WITH_EXCLUSION). The
 * filters are ECR's wildcard filters: {@code *} stands for any run of characters, at most five of them
 * (ECR API reference, ImageTagMutabilityExclusionFilter and PutImageTagMutability).
 */
public record TagMutability(Mode mode, List<String> exclusions) {

    /** ECR takes at most this many exclusion filters. */
    public static final int MAX_EXCLUSIONS = 5;
    /** ECR's pattern for one filter: tag characters and the {@code *} wildcard, 1 to 128 of them. */
    private static final Pattern FILTER = Pattern.compile("[0-9a-zA-Z._*-]{1,128}");

    public static final TagMutability MUTABLE = new TagMutability(Mode.MUTABLE, List.of());
    public static final TagMutability IMMUTABLE = new TagMutability(Mode.IMMUTABLE, List.of());

    public enum Mode {
        MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION;

        public boolean takesExclusions() {
            return this == MUTABLE_WITH_EXCLUSION || this == IMMUTABLE_WITH_EXCLUSION;
        }
    }

    /** @throws IllegalArgumentException when the filters do not fit the mode; {@link #of} says so to users */
    public TagMutability {
        exclusions = List.copyOf(exclusions);
        if (mode.takesExclusions() != !exclusions.isEmpty() || exclusions.size() > MAX_EXCLUSIONS
                || !exclusions.stream().allMatch(f -> FILTER.matcher(f).matches())) {
            throw new IllegalArgumentException("invalid tag mutability: " + mode + " " + exclusions);
        }
    }

    /**
     * The mutability the inputs ask for.
     *
     * @param modeInput the input that names the mode, for messages
     * @param exclusionsInput the input that lists the filters, for messages
     */
    public static TagMutability of(Mode mode, List<String> exclusions, String modeInput, String exclusionsInput) {
        if (mode.takesExclusions() && exclusions.isEmpty()) {
            throw new UserError(modeInput + " is " + mode + " but " + exclusionsInput + " is empty: list the tags "
                    + "that are the exception (wildcard filters such as latest or 6.*), or choose "
                    + (mode == Mode.IMMUTABLE_WITH_EXCLUSION ? "IMMUTABLE" : "MUTABLE") + ".", exclusionsInput);
        }
        if (!mode.takesExclusions() && !exclusions.isEmpty()) {
            throw new UserError(exclusionsInput + " is set but " + modeInput + " is " + mode + ", which takes no "
                    + "exclusions. Set " + modeInput + " to " + mode + "_WITH_EXCLUSION, or leave " + exclusionsInput
                    + " empty.", exclusionsInput);
        }
        if (exclusions.size() > MAX_EXCLUSIONS) {
            throw new UserError(exclusionsInput + " lists " + exclusions.size() + " filters; ECR takes at most "
                    + MAX_EXCLUSIONS + ". Merge some with a wildcard (e.g. 6.* for 6.0 and 6.1).", exclusionsInput);
        }
        for (String filter : exclusions) {
            if (!FILTER.matcher(filter).matches()) {
                throw new UserError("Filter '" + filter + "' in " + exclusionsInput + " is not one ECR accepts: up to "
                        + "128 letters, digits, '.', '_', '-' and the wildcard '*'.", exclusionsInput);
            }
        }
        return new TagMutability(mode, exclusions);
    }

    /** Whether {@code tag}, once written, can never be given another image in this repository. */
    public boolean isImmutable(Tag tag) {
        return switch (mode) {
            case MUTABLE -> false;
            case IMMUTABLE -> true;
            case MUTABLE_WITH_EXCLUSION -> excluded(tag);
            case IMMUTABLE_WITH_EXCLUSION -> !excluded(tag);
        };
    }

    /** Whether any tag at all is immutable: only then can a tag already there stand in a run's way. */
    public boolean protectsAnyTag() {
        return mode != Mode.MUTABLE;
    }

    private boolean excluded(Tag tag) {
        return exclusions.stream().anyMatch(filter -> WildcardFilter.matches(filter, tag.value()));
    }

    /** How it reads in the log: {@code immutable except latest, 6.0}. */
    public String describe() {
        return switch (mode) {
            case MUTABLE, IMMUTABLE -> mode.name().toLowerCase(Locale.ROOT);
            case MUTABLE_WITH_EXCLUSION -> "mutable except " + String.join(", ", exclusions);
            case IMMUTABLE_WITH_EXCLUSION -> "immutable except " + String.join(", ", exclusions);
        };
    }
}
