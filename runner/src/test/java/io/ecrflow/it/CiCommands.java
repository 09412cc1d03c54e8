package io.ecrflow.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands a CI would find in a step's log, read the way each reads it. Both search with .NET's
 * culture-sensitive string functions, which pass over format and control characters, so those are left
 * out first.
 */
final class CiCommands {
    private CiCommands() {
    }

    /** Azure Pipelines: the first "##vso[" anywhere in a line, up to the next ']' (agent's Command.TryParse). */
    static List<String> azure(List<String> lines) {
        List<String> commands = new ArrayList<>();
        for (String line : lines) {
            String seen = asSearched(line);
            int start = seen.indexOf("##vso[");
            int end = start < 0 ? -1 : seen.indexOf(']', start);
            if (end > 0) {
                commands.add(seen.substring(start + "##vso[".length(), end).split(" ", 2)[0]);
            }
        }
        return commands;
    }

    /**
     * GitHub Actions: {@code ::name ...::data} at the start of a line after white space, or the older
     * {@code ##[name ...]data} anywhere (actions/runner, ActionCommand.TryParseV2 and TryParse). After
     * {@code ::stop-commands::TOKEN} nothing is a command until {@code ::TOKEN::}.
     */
    static List<String> github(List<String> lines) {
        List<String> commands = new ArrayList<>();
        String stopToken = null;
        for (String line : lines) {
            String seen = asSearched(line);
            String trimmed = seen.strip();
            String name = null;
            String data = "";
            int end = trimmed.startsWith("::") ? trimmed.indexOf("::", 2) : -1;
            if (end > 0) {
                name = trimmed.substring(2, end).split(" ", 2)[0];
                data = trimmed.substring(end + 2);
            } else {
                int start = seen.indexOf("##[");
                int close = start < 0 ? -1 : seen.indexOf(']', start);
                if (close > 0) {
                    name = seen.substring(start + 3, close).split(" ", 2)[0];
                    data = seen.substring(close + 1);
                }
            }
            if (name == null) {
                continue;
            }
            if (stopToken != null) {
                if (name.equalsIgnoreCase(stopToken)) {
                    stopToken = null;
                }
                continue;
            }
            if (name.equals("stop-commands")) {
                stopToken = data;
            }
            commands.add(name);
        }
        return commands;
    }

    private static String asSearched(String line) {
        StringBuilder seen = new StringBuilder(line.length());
        line.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.CONTROL)
                .forEach(seen::appendCodePoint);
        return seen.toString();
    }
}
