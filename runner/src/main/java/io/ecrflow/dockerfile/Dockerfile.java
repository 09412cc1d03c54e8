package io.ecrflow.dockerfile;

import io.ecrflow.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile's instructions as Docker's parser sees them: parser directives ({@code # escape=`}),
 * comments, line continuations (comment lines inside them dropped) and here-documents
 * (https://docs.docker.com/reference/dockerfile/). Only what ecrflow reads is interpreted: FROM and ARG.
 */
public final class Dockerfile {
    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([A-Za-z][A-Za-z0-9_]*)\\s*=\\s*(\\S+)\\s*$");
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");

    /** One instruction; lines are 0-based indexes into the file, inclusive. */
    public record Instruction(String keyword, String arguments, int firstLine, int lastLine) {
        int lineNumber() {
            return firstLine + 1;
        }
    }

    private final List<String> lines;
    private final List<Instruction> instructions;
    private final char escape;

    private Dockerfile(List<String> lines, List<Instruction> instructions, char escape) {
        this.lines = List.copyOf(lines);
        this.instructions = List.copyOf(instructions);
        this.escape = escape;
    }

    public static Dockerfile read(Path file, String input) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError("Could not read the Dockerfile " + file + ": " + e.getMessage(), input, e);
        }
    }

    public static Dockerfile parse(String text) {
        // Editors on Windows (Visual Studio's default) save a byte-order mark, and Docker's parser skips it.
        String withoutMark = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = List.of(withoutMark.split("\\r?\\n", -1));
        char escape = '\\';
        int i = 0;
        for (; i < lines.size(); i++) {
            Matcher directive = DIRECTIVE.matcher(lines.get(i).strip());
            if (!directive.matches()) {
                break;
            }
            if (directive.group(1).equalsIgnoreCase("escape") && directive.group(2).length() == 1) {
                escape = directive.group(2).charAt(0);
            }
        }
        List<Instruction> instructions = new ArrayList<>();
        while (i < lines.size()) {
            String stripped = lines.get(i).strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                i++;
                continue;
            }
            int first = i;
            StringBuilder text1 = new StringBuilder();
            String current = lines.get(i).stripTrailing();
            while (current.endsWith(String.valueOf(escape)) && i + 1 < lines.size()) {
                text1.append(current, 0, current.length() - 1);
                i++;
                while (i < lines.size() && (lines.get(i).isBlank() || lines.get(i).strip().startsWith("#"))) {
                    i++;
                }
                if (i >= lines.size()) {
                    current = "";
                    break;
                }
                current = lines.get(i).stripTrailing();
            }
            text1.append(current);
            int last = Math.min(i, lines.size() - 1);
            i++;
            String whole = text1.toString().strip();
            int space = indexOfWhitespace(whole);
            String keyword = (space < 0 ? whole : whole.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : whole.substring(space).strip();
            instructions.add(new Instruction(keyword, arguments, first, last));
            i = skipHeredocs(keyword, arguments, lines, i);
        }
        return new Dockerfile(lines, instructions, escape);
    }

    /** The body of {@code RUN <<EOF} etc. is data, not instructions. */
    private static int skipHeredocs(String keyword, String arguments, List<String> lines, int next) {
        if (!List.of("RUN", "COPY", "ADD").contains(keyword)) {
            return next;
        }
        int i = next;
        Matcher heredoc = HEREDOC.matcher(arguments);
        while (heredoc.find()) {
            boolean dash = !heredoc.group(1).isEmpty();
            String end = heredoc.group(3);
            while (i < lines.size() && !(dash ? lines.get(i).strip() : lines.get(i)).equals(end)) {
                i++;
            }
            i++;
        }
        return Math.min(i, lines.size());
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public char escape() {
        return escape;
    }

    /** The file with each given instruction's lines replaced by one new line; every other line unchanged. */
    public String replaced(Map<Instruction, String> replacements) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            final int index = i;
            Instruction replaced = replacements.keySet().stream()
                    .filter(instruction -> instruction.firstLine() <= index && index <= instruction.lastLine())
                    .findFirst().orElse(null);
            if (replaced == null) {
                out.append(lines.get(i));
            } else if (replaced.firstLine() == i) {
                out.append(replacements.get(replaced));
            } else {
                continue;
            }
            if (i < lines.size() - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
