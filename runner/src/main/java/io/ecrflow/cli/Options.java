package io.ecrflow.cli;

/** The contract's one-name-three-spellings rule: option {@code --foo-bar} is task input {@code fooBar}. */
final class Options {
    private Options() {
    }

    static String dashed(String input) {
        StringBuilder out = new StringBuilder();
        for (char c : input.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
