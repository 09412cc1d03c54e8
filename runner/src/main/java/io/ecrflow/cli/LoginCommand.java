package io.ecrflow.cli;

import io.ecrflow.aws.Ecr;
import io.ecrflow.login.Login;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code login}: log in to ECR for later script steps, through a private DOCKER_CONFIG. */
@Command(name = "login", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Log in to Amazon ECR for later steps: writes a private docker config and exports DOCKER_CONFIG.")
public final class LoginCommand extends RunnerCommand {

    @Mixin
    AwsOptions aws;

    @Override
    protected void execute(RunContext run) {
        try (Ecr ecr = run.registry(aws.target())) {
            new Login(run.pipeline(), ecr).run();
        }
    }
}
