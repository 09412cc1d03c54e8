package io.ecrflow.pipeline;

import java.util.regex.Pattern;

/** A value written so that a POSIX shell reads it back unchanged: bare when that is safe, else in single quotes. */
final class ShellWords {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]*");

    private ShellWords() {
    }

    static String quoted(String value) {
        if (!value.isEmpty() && SHELL_SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
