package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every registered secret value in a line with {@code ***}. The runner masks its own output
 * instead of relying on the CI alone: outside Azure Pipelines nothing else would, and even the agent
 * only masks what it was told about before the line arrived.
 */
public final class SecretMasker {
    public static final String MASK = "***";

    private final Set<String> values = new LinkedHashSet<>();
    // Longest first, so a secret that contains another secret is masked whole.
    private volatile List<String> longestFirst = List.of();

    /**
     * Masks this value, and each of its lines, in everything masked from now on. Returns what a CI that masks
     * line by line must be told: the value, then each line of a multi-line value; nothing for an empty secret
     * or one already known.
     */
    public synchronized List<String> register(Secret secret) {
        String value = secret.reveal();
        if (value.isEmpty() || values.contains(value)) {
            return List.of();
        }
        List<String> announced = new ArrayList<>(List.of(value));
        String[] lines = value.split("\\r?\\n|\\r");
        if (lines.length > 1) {
            Arrays.stream(lines).filter(line -> !line.isBlank()).forEach(announced::add);
        }
        values.addAll(announced);
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        longestFirst = List.copyOf(sorted);
        return List.copyOf(announced);
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String value : longestFirst) {
            masked = masked.replace(value, MASK);
        }
        return masked;
    }
}
