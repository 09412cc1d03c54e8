package io.ecrflow.cli;

import io.ecrflow.aws.AwsTarget;
import io.ecrflow.aws.EcrConnector;
import io.ecrflow.aws.SdkEcr;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;

import java.nio.file.Path;

/** What every command runs with: the CI it reports to, the environment it reads, the folder it runs in. */
public record RunContext(Pipeline pipeline, Environment env, Path workingDirectory) {

    SdkEcr ecr(AwsTarget target) {
        return new EcrConnector(env.asMap()).connect(target);
    }
}
