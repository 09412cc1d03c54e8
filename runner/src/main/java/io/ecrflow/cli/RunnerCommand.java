package io.ecrflow.cli;

import io.ecrflow.http.CaBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Base of every runner command: runs the command's story and reports success. Failures travel up as
 * exceptions to the one place that reports them ({@link Main}).
 */
@Command
public abstract class RunnerCommand implements Callable<Integer> {
    private RunContext context;

    @Spec
    private CommandSpec spec;

    void bind(RunContext runContext) {
        this.context = runContext;
    }

    @Override
    public final Integer call() {
        // the run's end (its summary reaches Azure DevOps) trusts the bundle too
        try (CaBundle.Installation trust = trustCaBundle()) {
            try {
                OptionDefaults.applyToBlanks(spec);
                execute(context);
            } catch (RuntimeException e) {
                return Main.fail(context.pipeline(), e);
            }
            context.pipeline().complete(true, "");
            return 0;
        }
    }

    protected abstract void execute(RunContext run);

    /**
     * The CAs the run trusts besides Java's, from {@code --ca-bundle} (an AWS command's option, see {@link AwsOptions})
     * or {@code AWS_CA_BUNDLE}: read once, before the story, so every TLS call of the run trusts them.
     */
    private CaBundle.Installation trustCaBundle() {
        OptionSpec option = spec.findOption("--ca-bundle");
        Optional<String> file = Optional.ofNullable(option).map(o -> (String) o.getValue()).flatMap(Inputs::text)
                .flatMap(context.env()::suppliedFilePath);
        Optional<CaBundle> bundle = CaBundle.from(file, context.env().get(CaBundle.ENVIRONMENT_VARIABLE),
                context.workingDirectory());
        bundle.map(CaBundle::describe).ifPresent(context.pipeline()::info);
        return bundle.map(CaBundle::install).orElse(CaBundle.Installation.NONE);
    }
}
