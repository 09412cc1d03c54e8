package io.ecrflow.publish;

import io.ecrflow.aws.Ecr;
import io.ecrflow.pipeline.PhaseTimer;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.RegistryClient;
import io.ecrflow.registry.RegistryCredential;

/** Logs in to the ECR registry; the password is registered as a secret before anything else is printed. */
public final class RegistryLogin {
    private final Ecr ecr;
    private final Pipeline pipeline;

    public RegistryLogin(Ecr ecr, Pipeline pipeline) {
        this.ecr = ecr;
        this.pipeline = pipeline;
    }

    public RegistryCredential logIn() {
        RegistryCredential login = PhaseTimer.time(pipeline, "Login", ecr::login);
        pipeline.registerSecret(login.password());
        pipeline.info("Logged in to " + login.registry() + ".");
        return login;
    }

    /**
     * {@code registries} holding {@code login}; when the registry refuses it as expired (a long build or test can
     * outlast an ECR login), the client logs in once more through this step, so the new password is a secret too.
     */
    public RegistryClient renewing(RegistryClient registries, RegistryCredential login) {
        return registries.withCredential(login, this::logIn);
    }
}
