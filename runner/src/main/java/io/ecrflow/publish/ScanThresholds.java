package io.ecrflow.publish;

import io.ecrflow.aws.ScanReport;
import io.ecrflow.aws.Severity;

import io.ecrflow.UserError;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How many findings of each severity an image may have: {@code CRITICAL=0,HIGH=5} lets no critical finding
 * and up to five high ones through. Severities not named are not limited.
 */
public record ScanThresholds(Map<Severity, Integer> allowed) {
    public ScanThresholds {
        allowed = Map.copyOf(allowed);
    }

    /** @param items {@code SEVERITY=N} each; the option declares the thresholds of a gate given none */
    public static ScanThresholds parse(List<String> items, String input) {
        Map<Severity, Integer> allowed = new EnumMap<>(Severity.class);
        for (String item : items) {
            int equals = item.indexOf('=');
            Optional<Severity> severity = equals < 0 ? Optional.empty() : Severity.of(item.substring(0, equals));
            Optional<Integer> count = equals < 0 ? Optional.empty() : number(item.substring(equals + 1).trim());
            if (severity.isEmpty() || count.isEmpty()) {
                throw new UserError("Input '" + input + "' has '" + item + "'; give SEVERITY=N items such as "
                        + "CRITICAL=0,HIGH=5, with a severity of " + List.of(Severity.values()) + ".", input);
            }
            allowed.put(severity.get(), count.get());
        }
        return new ScanThresholds(allowed);
    }

    /** The severities over their limit in {@code report}, worst first. */
    public List<Severity> exceededIn(ScanReport report) {
        return allowed.entrySet().stream().filter(e -> report.count(e.getKey()) > e.getValue())
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public String toString() {
        return allowed.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static Optional<Integer> number(String text) {
        return text.matches("\\d{1,6}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    }
}
