package io.ecrflow.pipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * Progress for a log that has no progress bar: a line per 10% step or new description, so a push does
 * not flood the log.
 */
final class ProgressLines {
    private String description;
    private int step = -1;

    /** The line to print for this report, or empty when it says nothing new. */
    synchronized Optional<String> next(int percent, String description) {
        int value = Math.max(0, Math.min(100, percent));
        int newStep = value / 10;
        if (newStep == step && Objects.equals(description, this.description)) {
            return Optional.empty();
        }
        step = newStep;
        this.description = description;
        return Optional.of((description == null ? "" : description + " ") + value + "%");
    }
}
