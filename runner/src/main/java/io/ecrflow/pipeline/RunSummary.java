package io.ecrflow.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run summary an adapter writes at the end of a step: the Markdown parts the run added, in order, then
 * how long each phase took. Parts arrive already escaped ({@link MarkdownText}) and masked.
 */
final class RunSummary {
    private final List<String> parts = new ArrayList<>();
    private final Map<String, Duration> phases = new LinkedHashMap<>();

    synchronized void add(String markdown) {
        parts.add(markdown.endsWith("\n") ? markdown : markdown + "\n");
    }

    /** A phase that runs twice (two builds) is listed once, with both durations added up. */
    synchronized void phase(String name, Duration took) {
        phases.merge(name, took, Duration::plus);
    }

    synchronized boolean isEmpty() {
        return parts.isEmpty() && phases.isEmpty();
    }

    synchronized String markdown() {
        StringBuilder text = new StringBuilder();
        parts.forEach(part -> text.append(part).append('\n'));
        if (!phases.isEmpty()) {
            text.append("| Phase | Took |\n|---|---|\n");
            phases.forEach((name, took) -> text.append("| ").append(MarkdownText.escaped(name)).append(" | ")
                    .append(PhaseTimer.format(took)).append(" |\n"));
        }
        return text.toString();
    }
}
