package io.ecrflow.tagging;

import io.ecrflow.registry.Tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The tags one image gets, in the order the user gave them, each once, with a note for every tag
 * that had to change to be valid (for the caller to show; nothing is printed here).
 */
public record TagPlan(List<Tag> tags, List<String> notes) {
    /** Build id, branch and short commit: what pipelines tag by hand today. */
    public static final List<String> DEFAULT_TEMPLATES =
            List.of("$(Build.BuildId)", "$(Build.SourceBranchName)", "$(Build.SourceVersion:8)");
    static final Tag FALLBACK = Tag.of("latest");

    public TagPlan {
        tags = List.copyOf(tags);
        notes = List.copyOf(notes);
    }

    /**
     * Expands and sanitises the user's templates. With none given, the defaults are used; those that
     * need a variable this pipeline does not have are left out, and with none left the tag is
     * {@code latest}. Explicit templates must all expand.
     *
     * @throws io.ecrflow.UserError for a malformed template, an unset variable in an explicit
     *                              template, or a template that leaves no valid tag
     */
    public static TagPlan from(List<String> templates, Function<String, Optional<String>> variables) {
        List<String> given = templates.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        return given.isEmpty() ? fromDefaults(variables) : fromExplicit(given, variables);
    }

    private static TagPlan fromExplicit(List<String> templates, Function<String, Optional<String>> variables) {
        Builder plan = new Builder();
        for (String text : templates) {
            TagTemplate template = TagTemplate.parse(text);
            plan.add(template, template.expand(variables));
        }
        return plan.build();
    }

    private static TagPlan fromDefaults(Function<String, Optional<String>> variables) {
        Builder plan = new Builder();
        List<String> missing = new ArrayList<>();
        for (String text : DEFAULT_TEMPLATES) {
            TagTemplate template = TagTemplate.parse(text);
            List<String> unset = template.variables().stream()
                    .filter(name -> variables.apply(name).filter(v -> !v.isEmpty()).isEmpty())
                    .toList();
            if (unset.isEmpty()) {
                plan.add(template, template.expand(variables));
            } else {
                missing.addAll(unset);
            }
        }
        if (plan.tags.isEmpty()) {
            plan.notes.add("No tags given and none of " + String.join(", ", missing)
                    + " is set (not running in a pipeline?), so the image is tagged '" + FALLBACK + "'.");
            plan.tags.add(FALLBACK);
        } else if (!missing.isEmpty()) {
            plan.notes.add("No tags given; default tags from " + String.join(", ", missing)
                    + " are left out because those variables are not set.");
        }
        return plan.build();
    }

    private static final class Builder {
        private final Set<Tag> tags = new LinkedHashSet<>();
        private final Set<String> notes = new LinkedHashSet<>();

        void add(TagTemplate template, String expanded) {
            Tag tag = TagSanitizer.sanitize(expanded, template);
            if (!tag.value().equals(expanded)) {
                notes.add("Tag '" + expanded + "' became '" + tag + "'.");
            }
            tags.add(tag);
        }

        TagPlan build() {
            return new TagPlan(new ArrayList<>(tags), new ArrayList<>(notes));
        }
    }
}
