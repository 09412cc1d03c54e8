package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/package.sh, as a release runs it (with the jar this build made and the CI build's number as the
 * patch), produces a .vsix that tfx-cli accepted, holding each task complete and nothing else from the
 * repository.
 */
class ExtensionPackageIT {
    private static final long MARKETPLACE_LIMIT_BYTES = 50L * 1024 * 1024;
    private static final int PATCH = 417;
    /** A company publishing under its own Marketplace publisher id (docs/tasks/install.md). */
    private static final String PUBLISHER = "contoso-platform";
    @TempDir
    static Path dist;
    private static Path vsix;
    private static String packagingLog;

    @BeforeAll
    static void packageTheExtension() throws Exception {
        Process process = new ProcessBuilder("bash", Repo.root().resolve("scripts/package.sh").toString(),
                "--jar", Repo.runnerJar().toString(), "--out", dist.toString(), "--patch", Integer.toString(PATCH),
                "--publisher", PUBLISHER)
                .directory(Repo.root().toFile()).redirectErrorStream(true).start();
        packagingLog = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("packaging finishes in 5 minutes").isTrue();
        assertThat(process.exitValue()).as(packagingLog).isZero();
        try (Stream<Path> files = Files.list(dist)) {
            List<Path> packages = files.filter(f -> f.toString().endsWith(".vsix")).toList();
            assertThat(packages).as(packagingLog).hasSize(1);
            vsix = packages.get(0);
        }
    }

    @Test
    void tfxNamesThePackageAfterTheGivenPublisherTheExtensionAndTheStampedVersion() {
        JsonNode manifest = ExtensionManifest.read().json();
        String[] version = manifest.path("version").asText().split("\\.");
        assertThat(vsix.getFileName().toString()).isEqualTo(PUBLISHER + "." + manifest.path("id").asText()
                + "-" + version[0] + "." + version[1] + "." + PATCH + ".vsix");
        assertThat(packagingLog).contains("Completed operation: create extension");
    }

    @Test
    void everyTaskIsInsideWithItsManifestIconScriptsLauncherAndTheRunnerJar() throws IOException {
        try (ZipFile zip = new ZipFile(vsix.toFile())) {
            for (TaskManifest task : TaskManifest.all()) {
                String folder = "task-manifest/" + task.folder().getFileName() + "/";
                // as in the sources but for the patch, which the sources leave alone
                ObjectNode packaged = (ObjectNode) new ObjectMapper().readTree(text(zip, folder + "task.json"));
                assertThat(packaged.path("version").path("Patch").asInt()).isEqualTo(PATCH);
                ((ObjectNode) packaged.path("version")).put("Patch", task.json().path("version").path("Patch").asInt());
                assertThat(packaged).isEqualTo(task.json());
                assertThat(task.json().path("version").path("Patch").asInt()).isNotEqualTo(PATCH);
                assertThat(zip.getEntry(folder + "icon.png")).isNotNull();
                for (Path launcher : LauncherFiles.all()) {
                    assertThat(zip.getEntry(folder + launcher.getFileName())).as(folder + launcher.getFileName()).isNotNull();
                }
                for (String section : List.of("execution", "postjobexecution")) {
                    task.handlers(section).values().forEach(target -> assertThat(zip.getEntry(folder + target)).as(folder + target).isNotNull());
                }
                // the runner travels packed (PackedRunnerIT proves the launcher unpacks it to the built jar)
                assertThat(zip.getEntry(folder + StagedExtension.PACKED_RUNNER)).as(folder + StagedExtension.PACKED_RUNNER).isNotNull();
                assertThat(zip.getEntry(folder + StagedExtension.RUNNER_JAR)).as(folder + StagedExtension.RUNNER_JAR).isNull();
            }
        }
    }

    @Test
    void thePackageStaysWithinTheMarketplacesSizeLimit() throws IOException {
        // The Marketplace asks for extensions under 50 MB; every task carries its own copy of the runner.
        assertThat(Files.size(vsix)).as("%s with %d tasks", vsix.getFileName(), TaskManifest.all().size())
                .isLessThan(MARKETPLACE_LIMIT_BYTES);
    }

    @Test
    void theExtensionManifestInsideContributesTheTasksAndTheServiceConnection() throws IOException {
        try (ZipFile zip = new ZipFile(vsix.toFile())) {
            JsonNode contributions = new ObjectMapper().readTree(text(zip, "extension.vsomanifest")).path("contributions");
            List<String> types = new ArrayList<>();
            List<String> taskFolders = new ArrayList<>();
            contributions.forEach(c -> {
                types.add(c.path("type").asText());
                if (c.path("type").asText().equals(ExtensionManifest.TASK_CONTRIBUTION)) {
                    taskFolders.add(c.path("properties").path("name").asText());
                }
            });
            assertThat(types).containsOnly(ExtensionManifest.ENDPOINT_CONTRIBUTION, ExtensionManifest.TASK_CONTRIBUTION)
                    .containsOnlyOnce(ExtensionManifest.ENDPOINT_CONTRIBUTION);
            assertThat(taskFolders).containsExactlyInAnyOrder("task-manifest/EcrBuildPushV1", "task-manifest/EcrLoginV1",
                    "task-manifest/EcrPlatformImageV1", "task-manifest/EcrPromoteV1");
            assertThat(text(zip, "extension.vsixmanifest")).contains("Id=\"ecrflow\"").contains("Publisher=\"" + PUBLISHER + "\"");
        }
    }

    @Test
    void nothingFromTestsOrTheBuildIsPackaged() throws IOException {
        try (ZipFile zip = new ZipFile(vsix.toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            assertThat(names).noneMatch(name -> name.contains("src/test") || name.endsWith(".java") || name.endsWith(".class")
                    || name.contains("node_modules") || name.contains("target") || name.endsWith("pom.xml"));
            assertThat(names).allMatch(name -> name.startsWith("task-manifest/") || name.startsWith("extension.")
                    || name.equals("[Content_Types].xml"), "only the extension's own files");
        }
        try (Stream<Path> sources = Files.walk(Repo.taskManifests())) {
            assertThat(sources.filter(f -> f.toString().endsWith(".jar") && !f.toString().contains("/target")))
                    .as("packaging leaves no jar in the sources").isEmpty();
        }
    }

    private static String text(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertThat(entry).as(name).isNotNull();
        return new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
}
