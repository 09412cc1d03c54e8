package io.ecrflow.tasks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The third description of every option, the option tables of the user docs, against the runner's own (its picocli
 * model, which task.json is checked against by {@link TaskContractTest}), in both directions, defaults included:
 * a command's page (docs/&lt;command&gt;.md) documents every option of the command, or leaves the credential options to
 * docs/credentials.md; every option a table names exists; the default of an option that declares one is in its row
 * (as the one value of the default cell, or in backticks among words), and a row gives no value as the default of an
 * option that declares none.
 */
class DocsOptionTablesTest {
    private static final Pattern OPTION = Pattern.compile("`(--[a-z0-9-]+)`");
    private static final Pattern ONE_VALUE = Pattern.compile("`([^`]*)`");

    /** A table row naming options in its first cell, with the default the second cell gives. */
    record Row(Path page, List<String> options, String defaultCell) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"build-push", "login", "platform-image", "promote"})
    void everyOptionOfTheCommandIsInItsPageOrTheCredentialsPage(String command) throws IOException {
        Set<String> documented = new LinkedHashSet<>();
        rows(page(command)).forEach(row -> documented.addAll(row.options()));
        rows(Repo.root().resolve("docs/credentials.md")).forEach(row -> documented.addAll(row.options()));
        List<String> missing = RunnerModel.options(command).stream().map(RunnerModel.Option::longName)
                .filter(option -> !documented.contains(option)).toList();
        assertThat(missing).as("options of %s that no table of docs/%s.md or docs/credentials.md documents", command, command)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"build-push", "login", "platform-image", "promote"})
    void everyOptionATableOfThePageNamesIsAnOptionOfTheCommand(String command) throws IOException {
        Set<String> options = names(command);
        List<String> unknown = new ArrayList<>();
        rows(page(command)).forEach(row -> row.options().stream().filter(option -> !options.contains(option))
                .forEach(unknown::add));
        assertThat(unknown).as("options docs/%s.md documents that %s does not have", command, command).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"build-push", "login", "platform-image", "promote"})
    void theDefaultCellGivesTheDefaultTheOptionDeclares(String command) throws IOException {
        Map<String, RunnerModel.Option> options = new LinkedHashMap<>();
        RunnerModel.options(command).forEach(option -> options.put(option.longName(), option));
        List<String> disagreements = new ArrayList<>();
        List<Row> rows = new ArrayList<>(rows(page(command)));
        rows.addAll(rows(Repo.root().resolve("docs/credentials.md")).stream()
                .filter(row -> row.options().stream().allMatch(options::containsKey)).toList());
        for (Row row : rows) {
            if (row.options().size() != 1 || !options.containsKey(row.options().get(0))) {
                continue;
            }
            RunnerModel.Option option = options.get(row.options().get(0));
            Optional<String> documented = oneValue(row.defaultCell());
            Optional<String> declared = option.declaredDefault();
            String where = Repo.root().relativize(row.page()) + ": " + option.longName();
            if (declared.isPresent() && documented.map(value -> !value.equalsIgnoreCase(declared.get()))
                    .orElseGet(() -> !row.defaultCell().contains("`" + declared.get() + "`"))) {
                disagreements.add(where + " default cell '" + row.defaultCell().trim() + "', the option declares `"
                        + declared.get() + "`");
            }
            if (declared.isEmpty() && documented.isPresent()) {
                disagreements.add(where + " default `" + documented.get() + "`, the option declares none");
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static Set<String> names(String command) {
        Set<String> names = new LinkedHashSet<>();
        RunnerModel.options(command).forEach(option -> names.add(option.longName()));
        return names;
    }

    private static Path page(String command) {
        return Repo.root().resolve("docs/" + command + ".md");
    }

    /** The cell is exactly one backticked value, e.g. {@code `true`}; anything else is prose this test leaves alone. */
    private static Optional<String> oneValue(String cell) {
        Matcher value = ONE_VALUE.matcher(cell.trim());
        return value.matches() ? Optional.of(value.group(1)) : Optional.empty();
    }

    /** The rows of the page's option tables: a first cell that starts with an option. */
    static List<Row> rows(Path page) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(page)) {
            if (!line.startsWith("| `--")) {
                continue;
            }
            String[] cells = line.split("(?<!\\\\)\\|", -1);
            if (cells.length < 4) {
                continue;
            }
            List<String> options = new ArrayList<>();
            Matcher option = OPTION.matcher(cells[1]);
            while (option.find()) {
                options.add(option.group(1));
            }
            rows.add(new Row(page, options, cells[2]));
        }
        return rows;
    }
}
