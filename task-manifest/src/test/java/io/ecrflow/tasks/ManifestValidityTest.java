package io.ecrflow.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The task manifests and the extension manifest are what Azure DevOps and the agent accept. */
class ManifestValidityTest {
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern MACRO = Pattern.compile("\\$\\(([^)]+)\\)");
    private static final Pattern REQUIRE = Pattern.compile("require\\('([^']+)'\\)");
    private static final Set<String> NODE_BUILTINS = Set.of("child_process", "crypto", "fs", "path", "zlib");

    static List<TaskManifest> tasks() {
        return TaskManifest.all();
    }

    @Test
    void taskIdsAreUniqueGuids() {
        List<String> ids = tasks().stream().map(TaskManifest::id).toList();
        assertThat(ids).allMatch(id -> GUID.matcher(id).matches(), "lower-case GUID").doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void nameFriendlyNameAndVersionFollowTheTaskSchema(TaskManifest task) {
        JsonNode json = task.json();
        assertThat(task.name()).matches("[A-Za-z0-9-]+");
        assertThat(json.path("friendlyName").asText()).isNotBlank().hasSizeLessThanOrEqualTo(40);
        assertThat(json.path("description").asText()).isNotBlank();
        assertThat(json.path("category").asText()).isIn("Build", "Utility", "Test", "Package", "Deploy", "Azure Pipelines");
        for (String field : List.of("Major", "Minor", "Patch")) {
            assertThat(json.path("version").path(field).isInt()).as("%s: version.%s is a number", task, field).isTrue();
            assertThat(json.path("version").path(field).asInt()).isNotNegative();
        }
        // the folder is <name>V<major>, and YAML refers to the task as <name>@<major>
        assertThat(task.folder().getFileName().toString()).isEqualTo(task.name() + "V" + json.path("version").path("Major").asInt());
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theInstanceNameShowsOnlyInputsOfTheTask(TaskManifest task) {
        String format = task.json().path("instanceNameFormat").asText();
        assertThat(format).isNotBlank();
        Matcher macro = MACRO.matcher(format);
        while (macro.find()) {
            assertThat(task.input(macro.group(1))).as("%s: instanceNameFormat names input %s", task, macro.group(1)).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void executionRunsOnNode24WithANode20FallbackAndTheTargetsExist(TaskManifest task) {
        for (String section : List.of("execution", "postjobexecution")) {
            Map<String, String> handlers = task.handlers(section);
            if (section.equals("postjobexecution") && handlers.isEmpty()) {
                continue;
            }
            // Node 16 and older are deprecated, and Node 20 reached its end of life: Node24 first (docs/migrateNode24.md)
            assertThat(handlers.keySet()).as("%s: %s handlers", task, section).containsExactly("Node24", "Node20_1");
            assertThat(Set.copyOf(handlers.values())).as("%s: every handler runs the same script", task).hasSize(1);
            handlers.values().forEach(target -> assertThat(task.folder().resolve(target)).as("%s: %s target", task, section).isRegularFile());
        }
    }

    /**
     * The first agent that has the oldest handler declared: an older agent upgrades itself before it runs
     * the task, and a newer one picks the newest handler it has (Node24 from agent 4.265.1 on).
     */
    @ParameterizedTest
    @MethodSource("tasks")
    void minimumAgentVersionIsTheFirstAgentWithTheOldestHandler(TaskManifest task) {
        Map<String, String> firstAgentWith = Map.of("Node24", "4.265.1", "Node20_1", "3.232.1");
        NodeHandler oldest = task.nodeHandlers("execution").get(task.nodeHandlers("execution").size() - 1);
        assertThat(task.json().path("minimumAgentVersion").asText()).isEqualTo(firstAgentWith.get(oldest.name()));
    }

    @Test
    void loginRemovesItsDockerConfigInAPostJobStep() {
        TaskManifest login = TaskManifest.named("EcrLogin");
        assertThat(login.command("execution")).contains("login");
        assertThat(login.command("postjobexecution")).contains("logout");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void entryScriptsAndTheLauncherUsePlainNodeOnly(TaskManifest task) throws IOException {
        List<Path> scripts = new ArrayList<>();
        task.handlers("execution").values().forEach(target -> scripts.add(task.folder().resolve(target)));
        task.handlers("postjobexecution").values().forEach(target -> scripts.add(task.folder().resolve(target)));
        List<Path> launcher = LauncherFiles.all();
        scripts.addAll(launcher);
        Set<String> launcherModules = launcher.stream()
                .map(file -> "./" + file.getFileName().toString().replaceFirst("\\.js$", ""))
                .collect(java.util.stream.Collectors.toSet());
        assertThat(launcherModules).contains("./launcher");
        for (Path script : scripts) {
            Matcher require = REQUIRE.matcher(Files.readString(script));
            while (require.find()) {
                assertThat(require.group(1)).as("%s requires", script.getFileName()).isIn(union(NODE_BUILTINS, launcherModules));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void eachTaskHasA32PixelPngIcon(TaskManifest task) throws IOException {
        assertThat(pngSize(task.folder().resolve("icon.png"))).isEqualTo(List.of(32, 32));
    }

    @Test
    void theExtensionIsEcrflowsWithTheProjectsVersion() throws IOException {
        JsonNode json = ExtensionManifest.read().json();
        assertThat(json.path("id").asText()).isEqualTo("ecrflow");
        assertThat(json.path("publisher").asText()).isEqualTo("ecrflow");
        String pom = Files.readString(Repo.root().resolve("pom.xml"));
        assertThat(pom).as("the extension's version is the project's").containsPattern(
                "<artifactId>ecrflow-parent</artifactId>\\s*<version>" + Pattern.quote(json.path("version").asText()) + "</version>");
        assertThat(pngSize(Repo.root().resolve(json.path("icons").path("default").asText()))).isEqualTo(List.of(128, 128));
        assertThat(Repo.root().resolve(json.path("content").path("details").path("path").asText())).isRegularFile();
    }

    @Test
    void theExtensionContributesEveryTaskFolderAndPackagesIt() {
        ExtensionManifest extension = ExtensionManifest.read();
        Set<String> folders = tasks().stream().map(task -> Repo.root().relativize(task.folder()).toString()).collect(Collectors.toSet());
        assertThat(extension.taskPaths()).containsExactlyInAnyOrderElementsOf(folders);
        assertThat(extension.filePaths()).containsAll(folders);
        extension.filePaths().forEach(path -> assertThat(Repo.root().resolve(path)).exists());
    }

    @Test
    void theServiceConnectionOffersAccessKeysWithAConfidentialSecretAndWorkloadIdentityFederation() {
        JsonNode endpoint = ExtensionManifest.read().endpointType();
        assertThat(endpoint.path("name").asText()).matches("[a-z0-9]+");
        Map<String, JsonNode> schemes = new LinkedHashMap<>();
        endpoint.path("authenticationSchemes").forEach(scheme -> schemes.put(scheme.path("type").asText(), scheme));
        // the schemes the runner knows: UsernamePassword (access keys) and None (OIDC, no stored secret)
        assertThat(schemes).containsOnlyKeys("ms.vss-endpoint.endpoint-auth-scheme-basic", "ms.vss-endpoint.endpoint-auth-scheme-none");
        Map<String, JsonNode> fields = byId(schemes.get("ms.vss-endpoint.endpoint-auth-scheme-basic").path("inputDescriptors"));
        assertThat(fields).containsOnlyKeys("username", "password", "sessionToken");
        assertThat(fields.get("username").path("validation").path("isRequired").asBoolean()).isTrue();
        for (String secret : List.of("password", "sessionToken")) {
            assertThat(fields.get(secret).path("isConfidential").asBoolean()).as(secret).isTrue();
            assertThat(fields.get(secret).path("inputMode").asText()).as(secret).isEqualTo("passwordbox");
        }
        // only temporary keys have a session token
        assertThat(fields.get("sessionToken").path("validation").path("isRequired").asBoolean()).isFalse();
        assertThat(schemes.get("ms.vss-endpoint.endpoint-auth-scheme-none").path("inputDescriptors")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyFieldOfTheServiceConnectionsDataIsATaskInputItCanFillIn(TaskManifest task) {
        // the runner takes the connection's region and role fields for the task inputs of the same name left empty
        Map<String, JsonNode> data = byId(ExtensionManifest.read().endpointType().path("inputDescriptors"));
        assertThat(data).containsOnlyKeys("region", "roleArn", "externalId", "roleSessionName");
        data.forEach((id, field) -> {
            assertThat(field.path("isConfidential").asBoolean()).as("%s is no secret", id).isFalse();
            assertThat(task.input(id)).as("%s: input %s", task, id).isPresent();
        });
    }

    @Test
    void everyTaskOffersTheSameAwsConnectionAndCredentialsInputs() {
        // one way to sign in, whichever task a pipeline uses: the same inputs, labels, help and order
        Map<String, List<JsonNode>> credentialsByTask = new LinkedHashMap<>();
        for (TaskManifest task : tasks()) {
            List<JsonNode> inputs = new ArrayList<>();
            task.json().path("inputs").forEach(input -> {
                if (input.path("name").asText().equals("awsConnection") || input.path("groupName").asText().equals("credentials")) {
                    inputs.add(input);
                }
            });
            credentialsByTask.put(task.name(), inputs);
        }
        List<JsonNode> first = credentialsByTask.values().iterator().next();
        assertThat(first).hasSizeGreaterThan(1);
        credentialsByTask.forEach((task, inputs) -> assertThat(inputs).as(task).isEqualTo(first));
    }

    private static Map<String, JsonNode> byId(JsonNode descriptors) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        descriptors.forEach(field -> byId.put(field.path("id").asText(), field));
        return byId;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }

    /** Width and height from the PNG signature and IHDR chunk, proving the file is a real PNG. */
    private static List<Integer> pngSize(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            byte[] signature = data.readNBytes(8);
            assertThat(signature).as("%s is a PNG", file).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            data.readInt();
            byte[] type = data.readNBytes(4);
            assertThat(new String(type, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
            return List.of(data.readInt(), data.readInt());
        }
    }
}
