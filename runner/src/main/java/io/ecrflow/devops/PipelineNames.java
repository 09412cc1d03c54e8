package io.ecrflow.devops;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the pipeline a name means among the project's pipelines: {@code web-shop} in any folder, or
 * {@code Apps/web-shop} (also {@code \Apps\web-shop}; {@code /web-shop} for the root) in that folder. Azure
 * DevOps compares names ignoring case, so this does too.
 */
final class PipelineNames {
    private static final int CLOSE_MATCHES = 5;

    private PipelineNames() {
    }

    /** @throws DevOpsFailure when no pipeline or more than one has that name, listing the ones it may mean */
    static DefinedPipeline resolve(String given, List<DefinedPipeline> pipelines, String project, String input) {
        String wanted = given.strip().replace('/', '\\');
        boolean withFolder = wanted.contains("\\");
        String key = withFolder && !wanted.startsWith("\\") ? "\\" + wanted : wanted;
        Function<DefinedPipeline, String> keyOf = withFolder ? DefinedPipeline::path : DefinedPipeline::name;
        List<DefinedPipeline> matches = pipelines.stream().filter(p -> keyOf.apply(p).equalsIgnoreCase(key)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new DevOpsFailure("More than one pipeline of project " + project + " is named '" + given + "': "
                    + describe(matches) + ". Give its folder as well (Folder/" + matches.get(0).name() + ") or its id.",
                    input);
        }
        String name = lower(key.substring(key.lastIndexOf('\\') + 1));
        int tolerance = Math.max(2, key.length() / 4);
        List<DefinedPipeline> close = pipelines.stream()
                .filter(p -> distance(lower(key), lower(keyOf.apply(p))) <= tolerance || lower(p.name()).contains(name))
                .sorted(Comparator.comparingInt(p -> distance(lower(key), lower(keyOf.apply(p)))))
                .limit(CLOSE_MATCHES).toList();
        throw new DevOpsFailure("Project " + project + " has no pipeline named '" + given + "'"
                + (close.isEmpty() ? "" : "; close matches: " + describe(close))
                + ". Check the name under Pipelines, or give the pipeline's id (the definitionId in its URL).", input);
    }

    private static String describe(List<DefinedPipeline> pipelines) {
        return pipelines.stream().map(DefinedPipeline::describe).collect(Collectors.joining(", "));
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance: how many characters to change, add or remove. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
