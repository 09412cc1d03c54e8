package io.ecrflow.cli;

import io.ecrflow.aws.AwsTarget;
import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.EcrConnector;
import io.ecrflow.aws.SdkEcr;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;

import java.nio.file.Path;

/** What every command runs with: the CI it reports to, the environment it reads, the folder it runs in. */
public record RunContext(Pipeline pipeline, Environment env, Path workingDirectory) {

    /** The registry's control plane, private ECR or ECR Public, with the run's credentials resolved. */
    Ecr registry(AwsTarget target) {
        return new EcrConnector(env.asMap(), pipeline).connect(target);
    }

    /** A private ECR registry's control plane, for commands that do not work with ECR Public. */
    SdkEcr ecr(AwsTarget target) {
        return new EcrConnector(env.asMap(), pipeline).connectPrivate(target);
    }
}
