package io.ecrflow.tasks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logging command a step printed, {@code ##vso[area.action key=value;...]message}, found and decoded as
 * the agent does: its Command.TryParse takes the first {@code ##vso[} anywhere in the line, so text before
 * it does not hide a command. The agent's search is culture-sensitive and passes over format and control
 * characters (a zero-width space inside the prefix does not hide it either), so those are left out first.
 */
record AgentCommand(String name, Map<String, String> properties, String message) {
    private static final String PREFIX = "##vso[";
    private static final Pattern COMMAND = Pattern.compile("^(\\S+?)(?: ([^\\]]*))?\\](.*)$");

    static Optional<AgentCommand> parse(String line) {
        String seen = asTheAgentSearchesIt(line);
        int start = seen.indexOf(PREFIX);
        if (start < 0) {
            return Optional.empty();
        }
        Matcher matcher = COMMAND.matcher(seen.substring(start + PREFIX.length()));
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

    private static String asTheAgentSearchesIt(String line) {
        StringBuilder seen = new StringBuilder(line.length());
        line.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.CONTROL)
                .forEach(seen::appendCodePoint);
        return seen.toString();
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
