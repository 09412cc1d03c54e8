package io.ecrflow.tagging;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list input as users write it in YAML or on a command line: items separated by commas or new lines
 * ({@code tags: |} blocks and {@code --tags a,b} both work). Items are trimmed; blank ones are dropped.
 */
public final class ListInput {
    private static final Pattern SEPARATOR = Pattern.compile("[,\\r\\n]");

    private ListInput() {
    }

    public static List<String> split(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(SEPARATOR.split(text)).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** Splits each value again, for options picocli already split or that were given more than once. */
    public static List<String> split(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream().flatMap(value -> split(value).stream()).toList();
    }
}
