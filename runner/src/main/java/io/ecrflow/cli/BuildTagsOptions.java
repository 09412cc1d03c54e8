package io.ecrflow.cli;

import io.ecrflow.devops.BuildTags;
import picocli.CommandLine.Option;

/** {@code --build-tags}, shared by the commands that publish an image. */
public final class BuildTagsOptions {

    @Option(names = "--build-tags", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Azure Pipelines: tag the run with the published image's tag (platform-image: its version tag) "
                    + "and short digest (sha256: and 12 hex digits), with the job's access token. Default: false.")
    String buildTags;

    /** Outside Azure Pipelines, asking for build tags fails the run here, before anything is built. */
    BuildTags buildTags(RunContext run) {
        return Inputs.bool(buildTags, false, BuildTags.INPUT) ? BuildTags.of(run.pipeline(), run.env())
                : BuildTags.none(run.pipeline());
    }
}
