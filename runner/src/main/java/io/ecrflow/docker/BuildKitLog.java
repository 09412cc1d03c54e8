package io.ecrflow.docker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remembers the end of a BuildKit build's plain-progress output so a failure can be told in a few lines:
 * the failing step and BuildKit's own error block. BuildKit ends a failed build with
 * <pre>
 * ------
 *  > [stage 2/3] RUN make:
 * ------
 * executor failed running [/bin/sh -c make]: exit code: 2      (docker 20.10)
 * ERROR: failed to solve: process "/bin/sh -c make" did not …   (buildx)
 * </pre>
 */
final class BuildKitLog implements Consumer<String> {
    private static final int KEPT = 400;
    private static final int SHOWN = 40;
    private static final Pattern FAILED_STEP = Pattern.compile("^\\s*> (\\[[^\\]]+\\] .*?):?\\s*$");
    // buildx's words when its builder (the docker driver) cannot export a cache other than inline, before and
    // after buildx 0.11: "Cache export feature is currently not supported for docker driver" and
    // "Cache export is not supported for the docker driver".
    private static final Pattern CACHE_EXPORT_REFUSED =
            Pattern.compile("(?i).*cache export( feature)? is (currently )?not supported for (the )?docker driver.*");

    private final Deque<String> lines = new ArrayDeque<>();

    @Override
    public void accept(String line) {
        if (lines.size() == KEPT) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** The step BuildKit reports as failed, e.g. {@code [stage 2/3] RUN make}. */
    Optional<String> failedStep() {
        String found = null;
        for (String line : lines) {
            Matcher matcher = FAILED_STEP.matcher(line);
            if (matcher.matches()) {
                found = matcher.group(1);
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether buildx refused to export a registry cache because its builder cannot (the build never started). */
    boolean refusedCacheExport() {
        return lines.stream().anyMatch(line -> CACHE_EXPORT_REFUSED.matcher(line).matches());
    }

    /** The lines that explain the failure: BuildKit's error block, else its error lines, else the last lines. */
    List<String> failureLines() {
        List<String> all = new ArrayList<>(lines);
        int block = all.indexOf("------");
        if (block >= 0) {
            return limit(all.subList(block, all.size()));
        }
        List<String> errors = all.stream()
                .filter(line -> line.contains("ERROR") || line.contains("error") || line.contains("failed to solve"))
                .toList();
        if (!errors.isEmpty()) {
            return limit(errors);
        }
        return limit(all.subList(Math.max(0, all.size() - 15), all.size()));
    }

    private static List<String> limit(List<String> lines) {
        return List.copyOf(lines.size() <= SHOWN ? lines : lines.subList(lines.size() - SHOWN, lines.size()));
    }
}
