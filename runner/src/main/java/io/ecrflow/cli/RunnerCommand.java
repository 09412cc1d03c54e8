package io.ecrflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * Base of every runner command: runs the command's story and reports success. Failures travel up as
 * exceptions to the one place that reports them ({@link Main}).
 */
@Command
public abstract class RunnerCommand implements Callable<Integer> {
    private RunContext context;

    void bind(RunContext runContext) {
        this.context = runContext;
    }

    @Override
    public final Integer call() {
        execute(context);
        context.pipeline().complete(true, "");
        return 0;
    }

    protected abstract void execute(RunContext run);
}
