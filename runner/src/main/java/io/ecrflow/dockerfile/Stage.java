package io.ecrflow.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code FROM [--platform=…] image [AS name]} of a Dockerfile, as written (variables not yet expanded).
 */
public record Stage(String image, Optional<String> name, String flags, Dockerfile.Instruction instruction) {

    public static Optional<Stage> of(Dockerfile.Instruction instruction) {
        if (!instruction.keyword().equals("FROM")) {
            return Optional.empty();
        }
        List<String> words = List.of(instruction.arguments().split("\\s+"));
        List<String> flags = new ArrayList<>();
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("--")) {
            flags.add(words.get(i++));
        }
        if (i >= words.size() || words.get(i).isEmpty()) {
            return Optional.empty();
        }
        String image = words.get(i);
        Optional<String> name = i + 2 < words.size() && words.get(i + 1).equalsIgnoreCase("AS")
                ? Optional.of(words.get(i + 2)) : Optional.empty();
        return Optional.of(new Stage(image, name, String.join(" ", flags), instruction));
    }

    /** The same FROM naming another image, flags and stage name kept. */
    public String withImage(String other) {
        return "FROM " + (flags.isEmpty() ? "" : flags + " ") + other + name.map(n -> " AS " + n).orElse("");
    }
}
