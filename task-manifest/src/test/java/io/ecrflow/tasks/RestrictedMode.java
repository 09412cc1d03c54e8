package io.ecrflow.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the agent still does for a task whose task.json declares {@code restrictions}: in restricted command
 * mode it processes only the commands marked {@code [CommandRestriction(AllowedInRestrictedMode = true)]}
 * (azure-pipelines-agent, src/Agent.Worker/TaskCommandExtension.cs and TelemetryCommandExtension.cs) and
 * drops the rest with a warning; {@code task.setvariable} and {@code task.prependpath} (which sets PATH)
 * only take effect for a name in {@code settableVariables.allowed} (TaskRestrictionsExtension.cs, matched
 * as case-insensitive globs). Not allowed, among others: {@code task.uploadsummary}, {@code task.uploadfile},
 * {@code task.addattachment}, {@code task.setendpoint}, {@code build.addbuildtag}, {@code artifact.upload}.
 */
final class RestrictedMode {
    static final Set<String> ALLOWED_COMMANDS = Set.of("task.logdetail", "task.logissue", "task.complete", "task.setprogress",
            "task.setsecret", "task.setvariable", "task.debug", "task.settaskvariable", "task.prependpath", "telemetry.publish");

    private RestrictedMode() {
    }

    static boolean allows(String command) {
        return ALLOWED_COMMANDS.contains(command.toLowerCase(Locale.ROOT));
    }

    /** Every command of the step the agent would refuse, or honour only in part, under the task's restrictions. */
    static List<String> violations(StepResult step, TaskManifest task) {
        List<String> allowedVariables = task.settableVariables().orElseThrow(() -> new AssertionError(task + " declares no settableVariables"));
        List<String> violations = new ArrayList<>();
        for (AgentCommand command : step.commands()) {
            if (!allows(command.name())) {
                violations.add(command.name() + " is dropped in restricted mode");
            } else if (command.is("task.setvariable") && !settable(command.property("variable"), allowedVariables)) {
                violations.add("task.setvariable of " + command.property("variable") + " is not in settableVariables");
            } else if (command.is("task.prependpath") && !settable("PATH", allowedVariables)) {
                violations.add("task.prependpath needs PATH in settableVariables");
            }
        }
        return violations;
    }

    /** The agent matches with minimatch; the manifests only use '*', for any run of characters. */
    private static boolean settable(String variable, List<String> allowed) {
        return allowed.stream().anyMatch(name -> Pattern.compile(Arrays.stream(name.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.CASE_INSENSITIVE).matcher(variable).matches());
    }
}
