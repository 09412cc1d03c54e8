package io.ecrflow;

import java.util.Optional;

/**
 * A failure the user can fix: the message says what happened, why, and what to do.
 * The command dispatcher turns it into an error issue and a failed result; nothing else catches it.
 */
public class UserError extends RuntimeException {
    private final String input;

    public UserError(String message) {
        this(message, null, null);
    }

    public UserError(String message, String input) {
        this(message, input, null);
    }

    public UserError(String message, String input, Throwable cause) {
        super(message, cause);
        this.input = input;
    }

    /** The option or task input that caused the failure, when one did. */
    public Optional<String> input() {
        return Optional.ofNullable(input);
    }
}
