package io.ecrflow.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads the legacy builder's stream: its text lines go to the user as they come, and the last
 * {@code Step N/M : …} line is kept so a failure can name the step that broke.
 */
final class EngineBuildCallback extends ResultCallback.Adapter<BuildResponseItem> {
    private static final Pattern STEP = Pattern.compile("^Step \\d+/\\d+ : .*");

    private final Consumer<String> output;
    private String lastStep;
    private String error;

    EngineBuildCallback(Consumer<String> output) {
        this.output = output;
    }

    @Override
    public void onNext(BuildResponseItem item) {
        if (item.isErrorIndicated()) {
            error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage() : item.getError();
            output.accept(error);
            return;
        }
        if (item.getStream() != null) {
            for (String line : item.getStream().split("\\R")) {
                if (!line.isBlank()) {
                    lineOfOutput(line);
                }
            }
        } else if (item.getStatus() != null && !hasByteCounts(item)) {
            // Base-image pulls: layer state changes only, not every progress tick.
            output.accept(item.getId() == null ? item.getStatus() : item.getId() + ": " + item.getStatus());
        }
    }

    private void lineOfOutput(String line) {
        if (STEP.matcher(line).matches()) {
            lastStep = line;
        }
        output.accept(line);
    }

    private static boolean hasByteCounts(BuildResponseItem item) {
        return item.getProgressDetail() != null && item.getProgressDetail().getCurrent() != null;
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    Optional<String> lastStep() {
        return Optional.ofNullable(lastStep);
    }
}
