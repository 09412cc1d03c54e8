package io.ecrflow.tasks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the sources and the runner jar Maven built earlier in the same reactor. */
final class Repo {
    private Repo() {
    }

    static Path root() {
        return Path.of(property("ecrflow.repo.root")).toAbsolutePath().normalize();
    }

    static Path taskManifests() {
        return root().resolve("task-manifest");
    }

    static Path runnerJar() {
        Path jar = Path.of(property("ecrflow.runner.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The runner jar " + jar + " is missing: run the tests through `mvn verify` "
                    + "from the repository root, which packages the runner first.");
        }
        return jar;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set: run the tests through Maven.");
        }
        return value;
    }
}
