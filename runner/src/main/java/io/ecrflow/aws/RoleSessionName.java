package io.ecrflow.aws;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name of an assumed-role session, which CloudTrail records next to every call the session makes.
 * By default it names the pipeline run, so an ECR push in the logs leads back to the build that made it.
 */
final class RoleSessionName {
    // STS's RoleSessionName constraint (AssumeRole API reference).
    private static final Pattern VALID = Pattern.compile("[\\w+=,.@-]{2,64}");
    // The run's number in Azure Pipelines, GitHub Actions, CodeBuild, CircleCI, GitLab and Jenkins.
    private static final List<String> RUN_IDS = List.of("BUILD_BUILDID", "GITHUB_RUN_ID", "CODEBUILD_BUILD_NUMBER",
            "CIRCLE_BUILD_NUM", "CI_JOB_ID", "BUILD_NUMBER");

    private RoleSessionName() {
    }

    static String choose(Optional<String> given, Environment env, Clock clock) {
        if (given.isPresent()) {
            if (!VALID.matcher(given.get()).matches()) {
                throw new UserError("Role session name '" + given.get() + "' is not valid: STS accepts 2 to 64 letters, "
                        + "digits and the characters _+=,.@-", "roleSessionName");
            }
            return given.get();
        }
        String run = RUN_IDS.stream().map(env::get).flatMap(Optional::stream).findFirst()
                .orElse(Long.toString(clock.instant().getEpochSecond()));
        String name = ("ecrflow-" + run).replaceAll("[^\\w+=,.@-]", "-");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
