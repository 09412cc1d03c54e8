package io.ecrflow.login;

import io.ecrflow.aws.Ecr;
import io.ecrflow.docker.PrivateDockerConfig;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.publish.RegistryLogin;
import io.ecrflow.registry.RegistryCredential;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code login} story: get an ECR login, register the password as a secret, write it into a
 * private docker config and point later steps at it through {@code DOCKER_CONFIG}.
 */
public final class Login {
    private final Pipeline pipeline;
    private final Ecr ecr;

    public Login(Pipeline pipeline, Ecr ecr) {
        this.pipeline = pipeline;
        this.ecr = ecr;
    }

    public Path run() {
        RegistryCredential login = new RegistryLogin(ecr, pipeline).logIn();
        Path dir = PrivateDockerConfig.writeKept(pipeline.tempDirectory(), List.of(login));
        pipeline.exportVariable("DOCKER_CONFIG", dir.toString());
        pipeline.rememberForPostJob(Logout.TASK_VARIABLE, dir.toString());
        pipeline.info("The login holds until " + login.expiresAt() + ". Later steps of this job use it through "
                + "DOCKER_CONFIG=" + dir + ".");
        pipeline.setOutput("registry", login.registry());
        pipeline.setOutput("dockerConfig", dir.toString());
        return dir;
    }
}
