package io.ecrflow.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a logging command back the way the Azure Pipelines agent does (first "##vso[", first "]",
 * properties split on ';' and at their first '=', then unescaped), so tests check what the agent sees.
 */
record AgentLine(String command, Map<String, String> properties, String message) {

    static AgentLine parse(String line) {
        int start = line.indexOf("##vso[");
        int end = line.indexOf(']', start);
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("not a logging command: " + line);
        }
        String inside = line.substring(start + "##vso[".length(), end);
        int space = inside.indexOf(' ');
        String command = space < 0 ? inside : inside.substring(0, space);
        Map<String, String> properties = new LinkedHashMap<>();
        if (space >= 0) {
            for (String pair : inside.substring(space + 1).split(";")) {
                if (!pair.isBlank()) {
                    int equals = pair.indexOf('=');
                    properties.put(pair.substring(0, equals).trim(), unescapeProperty(pair.substring(equals + 1)));
                }
            }
        }
        return new AgentLine(command, properties, unescapeMessage(line.substring(end + 1)));
    }

    private static String unescapeProperty(String value) {
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%5D", "]").replace("%3B", ";")
                .replace("%AZP25", "%");
    }

    private static String unescapeMessage(String value) {
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%AZP25", "%");
    }
}
