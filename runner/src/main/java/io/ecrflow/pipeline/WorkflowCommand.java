package io.ecrflow.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One GitHub Actions workflow command, {@code ::name key=value,...::data}, escaped the way the runner
 * unescapes it (actions/runner ActionCommand: '%', CR and LF in data; also ':' and ',' in properties), so
 * a message of several lines stays one command and cannot end it early.
 */
final class WorkflowCommand {
    private final String name;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private String data = "";

    private WorkflowCommand(String name) {
        this.name = name;
    }

    static WorkflowCommand of(String name) {
        return new WorkflowCommand(name);
    }

    WorkflowCommand property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    WorkflowCommand data(String value) {
        data = value == null ? "" : value;
        return this;
    }

    String format() {
        String props = properties.isEmpty() ? "" : " " + properties.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + escapeProperty(entry.getValue()))
                .collect(Collectors.joining(","));
        return "::" + name + props + "::" + escapeData(data);
    }

    static String escapeData(String value) {
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String escapeProperty(String value) {
        return escapeData(value).replace(":", "%3A").replace(",", "%2C");
    }
}
