package io.ecrflow.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one emulated task step printed and how it ended, read the way the agent reads it. */
record StepResult(int exitCode, String stdout, String stderr) {

    List<String> lines() {
        return stdout.lines().toList();
    }

    List<AgentCommand> commands() {
        return lines().stream().map(AgentCommand::parse).flatMap(Optional::stream).toList();
    }

    List<AgentCommand> commands(String name) {
        return commands().stream().filter(command -> command.is(name)).toList();
    }

    /** Output variables: {@code task.setvariable} with {@code isOutput=true}. */
    Map<String, String> outputs() {
        Map<String, String> outputs = new LinkedHashMap<>();
        commands("task.setvariable").stream().filter(c -> c.property("isOutput").equalsIgnoreCase("true"))
                .forEach(c -> outputs.put(c.property("variable"), c.message()));
        return outputs;
    }

    /** Variables set for later steps of the job (not outputs), e.g. DOCKER_CONFIG. */
    Map<String, String> jobVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        commands("task.setvariable").stream().filter(c -> !c.property("isOutput").equalsIgnoreCase("true"))
                .forEach(c -> variables.put(c.property("variable"), c.message()));
        return variables;
    }

    /** Task variables left for the task's own post-job step ({@code task.settaskvariable}). */
    Map<String, String> taskVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        commands("task.settaskvariable").forEach(c -> variables.put(c.property("variable"), c.message()));
        return variables;
    }

    List<String> errors() {
        return commands("task.logissue").stream().filter(c -> c.property("type").equals("error")).map(AgentCommand::message).toList();
    }

    List<String> warnings() {
        return commands("task.logissue").stream().filter(c -> c.property("type").equals("warning")).map(AgentCommand::message).toList();
    }

    /** The result the step reported with {@code task.complete}; empty if it reported none. */
    Optional<String> result() {
        List<AgentCommand> completes = commands("task.complete");
        return completes.isEmpty() ? Optional.empty() : Optional.of(completes.get(completes.size() - 1).property("result"));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
