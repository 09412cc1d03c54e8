package io.ecrflow.tagging;

import io.ecrflow.UserError;
import io.ecrflow.registry.Tag;

import java.util.Locale;

/**
 * Turns an expanded template into a tag a registry accepts: branch names like {@code feature/Login}
 * become {@code feature-login}. The OCI distribution spec allows {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}};
 * lower case keeps tags made from branch names predictable.
 */
public final class TagSanitizer {
    private static final int MAX_LENGTH = 128;

    private TagSanitizer() {
    }

    /**
     * @param expanded the template's expansion
     * @param template the template it came from, named when nothing usable is left
     */
    public static Tag sanitize(String expanded, TagTemplate template) {
        String clean = expanded.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_.-]", "-")
                .replaceAll("-{2,}", "-")
                .replaceFirst("^[.-]+", "");
        if (clean.length() > MAX_LENGTH) {
            clean = clean.substring(0, MAX_LENGTH);
        }
        if (clean.isEmpty()) {
            throw new UserError("Tag template '" + template.text() + "' gives '" + expanded
                    + "', which has nothing left that can be a tag (letters, digits, '_', '.' and '-'). "
                    + "Change the tag template.", TagTemplate.INPUT);
        }
        return Tag.of(clean);
    }
}
