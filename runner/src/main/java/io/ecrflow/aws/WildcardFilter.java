package io.ecrflow.aws;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** ECR's wildcard filters (tag mutability exclusions, scanning rules): {@code *} stands for any run of characters. */
final class WildcardFilter {
    private WildcardFilter() {
    }

    static boolean matches(String filter, String value) {
        return Pattern.compile(Arrays.stream(filter.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*"))).matcher(value).matches();
    }
}
