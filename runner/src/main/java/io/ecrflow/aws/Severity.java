package io.ecrflow.aws;

import java.util.Locale;
import java.util.Optional;

/** The severities ECR's scans report (basic and enhanced), worst first. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED;

    /** ECR's own spelling; enhanced scanning's UNTRIAGED counts as UNDEFINED. */
    public static Optional<Severity> of(String text) {
        String upper = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("UNTRIAGED")) {
            return Optional.of(UNDEFINED);
        }
        for (Severity severity : values()) {
            if (severity.name().equals(upper)) {
                return Optional.of(severity);
            }
        }
        return Optional.empty();
    }
}
