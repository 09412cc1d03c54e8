package io.ecrflow.cli;

import io.ecrflow.devops.BuildTags;
import picocli.CommandLine.Option;

/** {@code --build-tags}, shared by the commands that publish an image. */
public final class BuildTagsOptions {

    @Option(names = "--build-tags", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", defaultValue = "false",
            description = "Tag this pipeline run with the published image's tag and its short digest (sha256: and 12 hex "
                    + "digits), so the run can be found by them. Added with the job's access token through the Build Tags "
                    + "REST API (the build.addbuildtag logging command is not allowed to a task in restricted command "
                    + "mode); the project's build service needs **Edit build quality** on this pipeline. A tag that cannot "
                    + "be added is a warning. Default: ${DEFAULT-VALUE}.")
    String buildTags;

    /** Outside Azure Pipelines, asking for build tags fails the run here, before anything is built. */
    BuildTags buildTags(RunContext run) {
        return Inputs.bool(buildTags, BuildTags.INPUT) ? BuildTags.of(run.pipeline(), run.env())
                : BuildTags.none(run.pipeline());
    }
}
