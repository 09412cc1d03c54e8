package io.ecrflow.tasks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node execution handler of task.json ({@code Node24}, {@code Node20_1}) and the Node.js the agent runs
 * it with: the handler names the major version. The tests run a task with a node of exactly that major:
 * the one on the PATH when it is that major, else the one the test set-up installed for it
 * (scripts/lib/testbed-services.sh, ecrflow_node_runtimes: {@code <repo>/.ecrflow/node/<major>}).
 */
record NodeHandler(String name, int major) {
    private static final Pattern NAME = Pattern.compile("Node(\\d+)(?:_\\d+)?");
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\..*");
    private static final Map<Integer, Path> FOUND = new ConcurrentHashMap<>();

    static NodeHandler named(String name) {
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(name + " is not a Node handler");
        }
        return new NodeHandler(name, Integer.parseInt(matcher.group(1)));
    }

    /** The node binary of this handler's major version; fails, naming the set-up step, when there is none. */
    Path node() {
        return FOUND.computeIfAbsent(major, NodeHandler::find);
    }

    private static Path find(int major) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "node"));
            }
        }
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x64";
        Path stateDir = Optional.ofNullable(System.getenv("ECRFLOW_STATE_DIR")).map(Path::of)
                .orElse(Repo.root().resolve(".ecrflow"));
        candidates.add(stateDir.resolve("node").resolve(Integer.toString(major))
                .resolve("node_modules").resolve("node-linux-" + arch).resolve("bin").resolve("node"));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate) && majorOf(candidate) == major) {
                return candidate;
            }
        }
        throw new IllegalStateException("No Node.js " + major + " to run the tasks' Node" + major + " handler: the node on "
                + "the PATH is another version and none is installed for the tests. Run scripts/test.sh, or source "
                + "scripts/lib/testbed-services.sh and call ecrflow_node_runtimes.");
    }

    private static int majorOf(Path node) {
        try {
            Process process = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return -1;
            }
            Matcher matcher = VERSION.matcher(version.toLowerCase(Locale.ROOT));
            return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
