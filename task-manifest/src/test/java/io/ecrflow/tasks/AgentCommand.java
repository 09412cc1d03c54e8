package io.ecrflow.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A logging command a step printed, {@code ##vso[area.action key=value;...]message}, decoded as the agent decodes it. */
record AgentCommand(String name, Map<String, String> properties, String message) {
    private static final Pattern LINE = Pattern.compile("^##vso\\[(\\S+?)(?: ([^\\]]*))?\\](.*)$");

    static Optional<AgentCommand> parse(String line) {
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (matcher.group(2) != null) {
            for (String pair : matcher.group(2).split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    properties.put(pair.substring(0, equals).trim(), unescape(pair.substring(equals + 1)));
                }
            }
        }
        return Optional.of(new AgentCommand(matcher.group(1), properties, unescape(matcher.group(3))));
    }

    boolean is(String commandName) {
        return name.equals(commandName);
    }

    String property(String key) {
        return properties.getOrDefault(key, "");
    }

    /** The agent's decoding (azure-pipelines-agent, CommandStringConvertor): '%AZP25' last, so it is never decoded twice. */
    private static String unescape(String text) {
        return text.replace("%3B", ";").replace("%0D", "\r").replace("%0A", "\n").replace("%5D", "]").replace("%AZP25", "%");
    }
}
