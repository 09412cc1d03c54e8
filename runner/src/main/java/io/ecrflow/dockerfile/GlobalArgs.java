package io.ecrflow.dockerfile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ARGs declared before the first FROM — the only ones a FROM line can use — with their values:
 * a build argument given for the run wins over the Dockerfile's default. Expands {@code $NAME},
 * {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${NAME:+alternative}} as Docker does.
 */
public final class GlobalArgs {
    private final Map<String, String> values = new HashMap<>();
    private final char escape;

    private GlobalArgs(char escape) {
        this.escape = escape;
    }

    public static GlobalArgs of(Dockerfile dockerfile, Map<String, String> buildArgs) {
        GlobalArgs args = new GlobalArgs(dockerfile.escape());
        for (Dockerfile.Instruction instruction : dockerfile.instructions()) {
            if (instruction.keyword().equals("FROM")) {
                break;
            }
            if (instruction.keyword().equals("ARG")) {
                for (String declaration : words(instruction.arguments())) {
                    int equals = declaration.indexOf('=');
                    String name = equals < 0 ? declaration : declaration.substring(0, equals);
                    Optional<String> fallback = equals < 0 ? Optional.empty()
                            : Optional.of(args.expand(unquote(declaration.substring(equals + 1)), new TreeSet<>()));
                    Optional.ofNullable(buildArgs.get(name)).or(() -> fallback)
                            .ifPresent(value -> args.values.put(name, value));
                }
            }
        }
        return args;
    }

    /** {@code text} with variables replaced; names that have no value are added to {@code unset}. */
    public String expand(String text, Set<String> unset) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == escape && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(text.substring(i));
                    break;
                }
                out.append(braced(text.substring(i + 2, close), unset));
                i = close + 1;
            } else if (c == '$' && i + 1 < text.length() && isNameChar(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                out.append(value(text.substring(i + 1, end), unset));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String braced(String inner, Set<String> unset) {
        for (String modifier : List.of(":-", ":+", "-", "+")) {
            int at = inner.indexOf(modifier);
            if (at > 0 && inner.substring(0, at).chars().allMatch(ch -> isNameChar((char) ch))) {
                String name = inner.substring(0, at);
                String word = inner.substring(at + modifier.length());
                String current = values.get(name);
                return switch (modifier) {
                    case ":-" -> current == null || current.isEmpty() ? word : current;
                    case "-" -> current == null ? word : current;
                    case ":+" -> current == null || current.isEmpty() ? "" : word;
                    default -> current == null ? "" : word;
                };
            }
        }
        return value(inner, unset);
    }

    private String value(String name, Set<String> unset) {
        String current = values.get(name);
        if (current == null) {
            unset.add(name);
            return "";
        }
        return current;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** ARG declarations, split on whitespace outside quotes. */
    private static List<String> words(String text) {
        List<String> words = new java.util.ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                word.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word.append(c);
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
