package io.ecrflow.devops;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tags the current Azure Pipelines run with what it published — the image's tag (a platform image's version tag)
 * and its short digest — so the run can be found by them. Through the Build Tags REST API with the job's access
 * token, because the agent refuses the {@code ##vso[build.addbuildtag]} logging command to tasks in the
 * restricted command mode ecrflow's tasks ask for. A tag that cannot be added is a warning: the image is
 * published either way.
 */
public final class BuildTags {
    public static final String INPUT = "buildTags";
    private static final int SHORT_DIGEST = 12;

    private final Pipeline pipeline;
    private final Optional<AzureDevOps> devops;
    private final String buildId;

    private BuildTags(Pipeline pipeline, Optional<AzureDevOps> devops, String buildId) {
        this.pipeline = pipeline;
        this.devops = devops;
        this.buildId = buildId;
    }

    /** No tags (the option is off). */
    public static BuildTags none(Pipeline pipeline) {
        return new BuildTags(pipeline, Optional.empty(), "");
    }

    /** @throws UserError outside Azure Pipelines: no run to tag */
    public static BuildTags of(Pipeline pipeline, Environment env) {
        DevOpsConnection connection = DevOpsConnection.from(env, "Tagging the run", INPUT);
        String buildId = env.variable("Build.BuildId").filter(id -> id.trim().matches("[0-9]+")).map(String::trim)
                .orElseThrow(() -> new UserError("Tagging the run (input '" + INPUT + "') needs Build.BuildId, the id of "
                        + "the run to tag, and this step has none: build tags are for pipeline runs, not release "
                        + "deployments.", INPUT));
        return new BuildTags(pipeline, Optional.of(new RestAzureDevOps(connection, INPUT, pipeline::info)), buildId);
    }

    /** The tags for an image: its tag and {@code sha256:} with the digest's first 12 hex digits. */
    static List<String> tagsFor(ImageRef image, Digest digest) {
        List<String> tags = new ArrayList<>();
        tags.add(image.tag().value());
        tags.add(digest.algorithm() + ":" + digest.hex().substring(0, Math.min(SHORT_DIGEST, digest.hex().length())));
        return tags;
    }

    /** Adds the image's tags to the current run; a tag that cannot be added is a warning. */
    public void tag(ImageRef image, Digest digest) {
        if (devops.isEmpty()) {
            return;
        }
        List<String> added = new ArrayList<>();
        for (String tag : tagsFor(image, digest)) {
            try {
                devops.get().addBuildTag(buildId, tag);
                added.add(tag);
            } catch (DevOpsFailure e) {
                pipeline.warning("The run was not tagged '" + tag + "'. " + e.getMessage() + " The image was published "
                        + "either way.");
            }
        }
        if (!added.isEmpty()) {
            pipeline.info("Tagged this run (build " + buildId + "): " + String.join(", ", added));
        }
    }
}
