package io.ecrflow.tagging;

import io.ecrflow.pipeline.RunValues;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The standard OCI annotations an image gets from the pipeline it was built in
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md): which commit, which repository,
 * when, and which build.
 */
public final class OciLabels {
    public static final String REVISION = "org.opencontainers.image.revision";
    public static final String SOURCE = "org.opencontainers.image.source";
    public static final String CREATED = "org.opencontainers.image.created";
    public static final String VERSION = "org.opencontainers.image.version";

    private OciLabels() {
    }

    /**
     * Labels for the run values that are set ({@code commit}, {@code repositoryUrl}, {@code buildNumber}: every
     * CI adapter fills them); {@value #CREATED} always, in RFC 3339 UTC. In Azure Pipelines the version is the
     * run's name ({@code Build.BuildNumber}), which users format themselves.
     */
    public static Map<String, String> from(Function<String, Optional<String>> variables, Clock clock) {
        Map<String, String> labels = new LinkedHashMap<>();
        value(variables, RunValues.COMMIT).ifPresent(v -> labels.put(REVISION, v));
        value(variables, RunValues.REPOSITORY_URL).map(OciLabels::withoutUserInfo).ifPresent(v -> labels.put(SOURCE, v));
        labels.put(CREATED, DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        value(variables, "Build.BuildNumber").or(() -> value(variables, RunValues.BUILD_NUMBER))
                .ifPresent(v -> labels.put(VERSION, v));
        return Collections.unmodifiableMap(labels);
    }

    private static Optional<String> value(Function<String, Optional<String>> variables, String name) {
        return variables.apply(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Azure Repos URIs carry the organisation as user ({@code https://org@dev.azure.com/...}); other hosts may carry a token. */
    private static String withoutUserInfo(String uri) {
        return uri.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1");
    }
}
