package io.ecrflow.cli;

import io.ecrflow.login.Logout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code logout}: remove the docker config a {@code login} wrote; meant for a step that always runs. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Remove the docker config written by login. Default: the one this task's login wrote, else DOCKER_CONFIG.")
public final class LogoutCommand extends RunnerCommand {

    @Option(names = "--docker-config", paramLabel = "DIR", description = "The folder login wrote (its dockerConfig output).")
    String dockerConfig;

    @Override
    protected void execute(RunContext run) {
        // The agent hands a task's own task variables to its post-job step as VSTS_TASKVARIABLE_<NAME>.
        var folder = Inputs.text(dockerConfig)
                .or(() -> run.env().get("VSTS_TASKVARIABLE_" + Logout.TASK_VARIABLE.toUpperCase(Locale.ROOT)))
                .or(() -> run.env().get("DOCKER_CONFIG"))
                .map(text -> run.workingDirectory().resolve(text));
        new Logout(run.pipeline()).run(folder.map(Path::normalize));
    }
}
