package io.ecrflow.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/** The predefined variables the agent gives every step of a build, as environment variables. */
final class Pipelines {
    static final String COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

    private Pipelines() {
    }

    static Map<String, String> build(String buildId, String branch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BUILD_BUILDID", buildId);
        env.put("BUILD_BUILDNUMBER", "20261123." + buildId);
        env.put("BUILD_SOURCEBRANCH", "refs/heads/" + branch);
        env.put("BUILD_SOURCEBRANCHNAME", branch.substring(branch.lastIndexOf('/') + 1));
        env.put("BUILD_SOURCEVERSION", COMMIT);
        env.put("BUILD_REPOSITORY_NAME", "web");
        env.put("BUILD_REPOSITORY_URI", "https://dev.azure.com/example/project/_git/web");
        return env;
    }
}
