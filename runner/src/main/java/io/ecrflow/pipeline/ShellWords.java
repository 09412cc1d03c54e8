package io.ecrflow.pipeline;

import io.ecrflow.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Words as a POSIX shell reads them, both ways: a value written so that a shell reads it back unchanged (bare
 * when that is safe, else in single quotes), and a line split into words: blanks separate words, single
 * quotes keep everything literally, double quotes keep all but {@code \"}, {@code \\}, {@code \$} and
 * {@code \`}, and a backslash outside quotes keeps the next character. No expansion of any kind.
 */
public final class ShellWords {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]*");

    private ShellWords() {
    }

    static String quoted(String value) {
        if (!value.isEmpty() && SHELL_SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * The words of one line.
     *
     * @param input the option or task input the line comes from, named when a quote is left open
     * @throws UserError when a quote is not closed or the line ends in a lone backslash
     */
    public static List<String> split(String line, String input) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unclosed("'", line, input);
                }
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word, input);
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new UserError("'" + line + "' in input '" + input + "' ends in a backslash with nothing after "
                            + "it to keep; quote a value that holds backslashes in single quotes.", input);
                }
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Reads a double-quoted part from just after its opening quote; returns the index after its closing quote. */
    private static int doubleQuoted(String line, int start, StringBuilder word, String input) {
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw unclosed("\"", line, input);
    }

    private static UserError unclosed(String quote, String line, String input) {
        return new UserError("'" + line + "' in input '" + input + "' opens a " + quote + " quote that is never closed. "
                + "Close it, or escape the quote with a backslash.", input);
    }
}
