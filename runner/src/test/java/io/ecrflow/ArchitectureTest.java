package io.ecrflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner's packages keep to the layers of docs/architecture.md: the table there is the rule. */
class ArchitectureTest {

    private static final String ROOT = "io.ecrflow";
    private static final Path SOURCES = Path.of("src/main/java/io/ecrflow");
    private static final Path MAP = Path.of("../docs/architecture.md");
    private static final Pattern LAYER_ROW = Pattern.compile("^\\| (\\d+) \\| `([a-z.]+)` \\|", Pattern.MULTILINE);
    private static final Pattern USE = Pattern.compile("\\bio\\.ecrflow((?:\\.[a-z]+)*)\\.[A-Z]");

    @Test
    void everyImportOfTheRunnerGoesToALowerLayerOfTheMap() {
        Map<String, Integer> layers = layers(read(MAP));
        Map<String, Set<String>> uses = uses(SOURCES);

        assertThat(uses).as("packages of the runner").isNotEmpty();
        assertThat(violations(layers, uses)).isEmpty();
    }

    @Test
    void theMapNamesEveryPackageOfTheRunnerAndNoOther() {
        Map<String, Integer> layers = layers(read(MAP));

        assertThat(layers.keySet()).isEqualTo(uses(SOURCES).keySet());
    }

    @Test
    void aUseOfTheSameLayerOrAboveIsAViolation() {
        Map<String, Integer> layers = Map.of("cli", 1, "publish", 3, "notify", 3, "aws", 4);
        Map<String, Set<String>> uses = Map.of(
                "cli", Set.of("publish", "aws"),
                "publish", Set.of("notify", "aws"),
                "aws", Set.of("cli"));

        assertThat(violations(layers, uses)).containsExactly(
                "aws (layer 4) uses cli (layer 1)",
                "publish (layer 3) uses notify (layer 3)");
    }

    @Test
    void aPackageMissingFromTheMapIsAViolation() {
        assertThat(violations(Map.of("cli", 1), Map.of("cli", Set.of("waiting"))))
                .containsExactly("cli uses waiting, which docs/architecture.md does not place");
    }

    @Test
    void usesAreReadFromImportsStaticImportsAndFullNames() {
        String source = """
                package io.ecrflow.publish;

                import io.ecrflow.UserError;
                import static io.ecrflow.registry.Digest.sha256;
                // io.ecrflow.cli.Main is named in a comment only
                class X { io.ecrflow.aws.Ecr ecr; String s = "io.ecrflow.docker.DockerEngine"; }
                """;

        assertThat(usesIn(source)).containsExactlyInAnyOrder(ROOT, "registry", "aws");
    }

    static List<String> violations(Map<String, Integer> layers, Map<String, Set<String>> uses) {
        List<String> found = new ArrayList<>();
        new TreeMap<>(uses).forEach((user, used) -> new TreeSet<>(used).forEach(target -> {
            Integer from = layers.get(user);
            Integer to = layers.get(target);
            if (from == null) {
                found.add(user + " is not placed in docs/architecture.md");
            } else if (to == null) {
                found.add(user + " uses " + target + ", which docs/architecture.md does not place");
            } else if (to <= from) {
                found.add(user + " (layer " + from + ") uses " + target + " (layer " + to + ")");
            }
        }));
        return found;
    }

    private static Map<String, Integer> layers(String map) {
        Map<String, Integer> layers = new TreeMap<>();
        Matcher row = LAYER_ROW.matcher(map);
        while (row.find()) {
            String name = row.group(2);
            layers.put(name.equals(ROOT) ? ROOT : name, Integer.parseInt(row.group(1)));
        }
        return layers;
    }

    private static Map<String, Set<String>> uses(Path sources) {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String pkg = packageOf(sources.relativize(file.getParent()));
                Set<String> used = uses.computeIfAbsent(pkg, key -> new TreeSet<>());
                usesIn(read(file)).stream().filter(target -> !target.equals(pkg)).forEach(used::add);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    private static String packageOf(Path relative) {
        String name = relative.toString().replace('/', '.');
        return name.isEmpty() ? ROOT : name;
    }

    static Set<String> usesIn(String source) {
        String code = withoutCommentsAndStrings(source).replaceAll("(?m)^package [^;]*;", "");
        Set<String> used = new TreeSet<>();
        Matcher use = USE.matcher(code);
        while (use.find()) {
            used.add(use.group(1).isEmpty() ? ROOT : use.group(1).substring(1));
        }
        return used;
    }

    /** The source with comments, string and character literals (text blocks too) blanked out. */
    private static String withoutCommentsAndStrings(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = endOf(source, "\n", i + 2) - 1;
            } else if (source.startsWith("/*", i)) {
                i = endOf(source, "*/", i + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                i = endOf(source, "\"\"\"", i + 3);
                code.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                code.append(quote).append(quote);
            } else {
                code.append(source.charAt(i++));
            }
        }
        return code.toString();
    }

    private static int endOf(String source, String end, int from) {
        int at = source.indexOf(end, from);
        return at < 0 ? source.length() : at + end.length();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
