package io.ecrflow.login;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code logout} story (the "remove credentials" step that runs even when the job failed): delete
 * the docker config folder a {@code login} wrote. Only folders {@code login} made are ever deleted; any other
 * folder it is pointed at is left with a warning.
 */
public final class Logout {
    /** Name of the task variable {@code login} leaves for its post-job step. */
    public static final String TASK_VARIABLE = "ecrflowDockerConfig";
    static final String FOLDER_PREFIX = "ecrflow-docker-";

    private final Pipeline pipeline;

    public Logout(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    public void run(Optional<Path> dockerConfig) {
        if (dockerConfig.isEmpty()) {
            pipeline.info("No ecrflow docker config to remove.");
            return;
        }
        Path dir = dockerConfig.get().toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            pipeline.info("Docker config " + dir + " is already gone.");
            return;
        }
        if (!dir.getFileName().toString().startsWith(FOLDER_PREFIX)) {
            // A post-job step runs after the job's work is done: a folder someone else made (DOCKER_CONFIG set by
            // the pipeline) is left alone, and that is no reason to fail a job that succeeded.
            pipeline.warning("Left " + dir + " in place: it is not a docker config folder written by ecrflow login "
                    + "(those are named " + FOLDER_PREFIX + "…), so the credentials in it, if any, are not ecrflow's to "
                    + "remove. Remove it in a later step if it holds a login you no longer need.");
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UserError("Could not delete the docker config " + dir + ": " + e.getMessage(), "dockerConfig", e);
        }
        pipeline.info("Removed the ECR login at " + dir + ".");
    }
}
