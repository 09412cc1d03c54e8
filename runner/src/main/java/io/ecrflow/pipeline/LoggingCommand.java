package io.ecrflow.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Azure Pipelines logging command, {@code ##vso[area.action key=value;...]message}, escaped the way
 * the agent decodes it (azure-pipelines-task-lib, node/taskcommand.ts): a property value must not end
 * the property list early ({@code ;}, {@code ]}), and neither part may start a new line. The agent
 * decodes {@code %AZP25} back to {@code %}, so a literal "%0A" in a value survives the round trip.
 */
public final class LoggingCommand {
    private static final String PREFIX = "##vso[";

    private final String name;
    private final Map<String, String> properties;
    private final String message;

    private LoggingCommand(String name, Map<String, String> properties, String message) {
        this.name = Objects.requireNonNull(name, "name");
        this.properties = properties;
        this.message = message;
    }

    /** A command such as {@code task.setvariable}, without properties or message yet. */
    public static LoggingCommand of(String name) {
        return new LoggingCommand(name, Map.of(), "");
    }

    /** This command with one more property; blank values are left out, as the task library does. */
    public LoggingCommand property(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(properties);
        if (value != null && !value.isEmpty()) {
            more.put(key, value);
        }
        return new LoggingCommand(name, Collections.unmodifiableMap(more), message);
    }

    public LoggingCommand message(String text) {
        return new LoggingCommand(name, properties, text == null ? "" : text);
    }

    /** The single line the agent reads. */
    public String format() {
        StringBuilder line = new StringBuilder(PREFIX).append(name);
        if (!properties.isEmpty()) {
            line.append(' ');
            properties.forEach((key, value) -> line.append(key).append('=').append(escapeProperty(value)).append(';'));
        }
        return line.append(']').append(escapeMessage(message)).toString();
    }

    @Override
    public String toString() {
        return format();
    }

    /** Escapes a property value: {@code %}, CR, LF, {@code ]} and {@code ;}. */
    public static String escapeProperty(String value) {
        return escapeMessage(value).replace("]", "%5D").replace(";", "%3B");
    }

    /** Escapes the message after {@code ]}: {@code %}, CR and LF. */
    public static String escapeMessage(String value) {
        // '%' first, so the escapes added below are not escaped again.
        return value.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A");
    }
}
