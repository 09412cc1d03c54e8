package io.ecrflow.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a runner process printed, with the logging commands picked out the way the agent reads them. */
record RunResult(int exitCode, String stdout, String stderr) {
    private static final Pattern OUTPUT = Pattern.compile("^##vso\\[task\\.setvariable variable=([^;\\]]+);isOutput=true[^\\]]*\\](.*)$");
    private static final Pattern PLAIN_OUTPUT = Pattern.compile("^([A-Za-z]+)=(.*)$");

    String all() {
        return stdout + "\n" + stderr;
    }

    List<String> lines() {
        return stdout.lines().toList();
    }

    /** Output variables, from {@code ##vso[task.setvariable … isOutput=true]} lines or plain {@code name=value} lines. */
    Map<String, String> outputs() {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String line : lines()) {
            Matcher vso = OUTPUT.matcher(line);
            Matcher plain = PLAIN_OUTPUT.matcher(line);
            if (vso.matches()) {
                outputs.put(vso.group(1), unescaped(vso.group(2)));
            } else if (plain.matches()) {
                outputs.put(plain.group(1), plain.group(2));
            }
        }
        return outputs;
    }

    /** A logging command's value as the agent reads it back ('%' last, as it escapes it first). */
    private static String unescaped(String value) {
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%AZP25", "%");
    }

    List<String> errors() {
        return all().lines().filter(l -> l.startsWith("##vso[task.logissue type=error;]") || l.startsWith("error:"))
                .toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
