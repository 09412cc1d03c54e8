package io.ecrflow.docker;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuildKitImageBuilderTest {
    private static final BuildKitCli BUILT_IN = new BuildKitCli(Path.of("/usr/bin/docker"), "20.10.24", BuildKitCli.Mode.BUILT_IN);
    private static final BuildKitCli BUILDX = new BuildKitCli(Path.of("/usr/local/bin/docker"), "28.2.2", BuildKitCli.Mode.BUILDX);
    private static final ImageRef CACHE = ImageRef.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:buildcache");
    private static final RegistryCredential ECR_LOGIN = new RegistryCredential(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS", Secret.of("pull-password-0042"), Instant.now());

    @TempDir
    Path temp;

    @Test
    void buildArgValuesTravelInTheEnvironmentNeverOnTheCommandLine() {
        BuildRequest request = request(Map.of("NPM_TOKEN", "npm-secret-value-7731", "GREETING", "hi"));
        BuildKitImageBuilder builder = new BuildKitImageBuilder(BUILT_IN, Map.of("PATH", "/usr/bin"), temp);

        List<String> argv = builder.commandLine(request, temp.resolve("iid"));
        Map<String, String> env = builder.environment(request, temp.resolve("config"));

        assertThat(String.join(" ", argv)).doesNotContain("npm-secret-value-7731");
        assertThat(argv).containsSubsequence("--build-arg", "NPM_TOKEN").containsSubsequence("--build-arg", "GREETING");
        assertThat(env).containsEntry("NPM_TOKEN", "npm-secret-value-7731").containsEntry("GREETING", "hi");
    }

    @Test
    void theCommandLineCarriesEveryBuildOption() {
        BuildRequest request = new BuildRequest(temp, temp.resolve("ci/Dockerfile"), Map.of(), Optional.of("release"),
                Map.of("team", "web"), Optional.of("linux/arm64"), true, true, "ecrflow-build/web:1", List.of());

        List<String> argv = new BuildKitImageBuilder(BUILT_IN, Map.of(), temp).commandLine(request, temp.resolve("iid"));

        assertThat(argv).startsWith("/usr/bin/docker", "build", "--progress=plain")
                .containsSubsequence("--file", temp.resolve("ci/Dockerfile").toString())
                .containsSubsequence("--target", "release")
                .containsSubsequence("--label", "team=web")
                .containsSubsequence("--platform", "linux/arm64")
                .contains("--pull", "--no-cache")
                .containsSubsequence("--tag", "ecrflow-build/web:1")
                .containsSubsequence("--iidfile", temp.resolve("iid").toString())
                .endsWith(temp.toString());
    }

    @Test
    void withBuildxTheBuildLoadsTheImageIntoTheEngine() {
        List<String> argv = new BuildKitImageBuilder(BUILDX, Map.of(), temp).commandLine(request(Map.of()), temp.resolve("iid"));

        assertThat(argv).startsWith("/usr/local/bin/docker", "buildx", "build", "--load");
    }

    @Test
    void withoutARegistryCacheNoCacheIsImportedOrExported() {
        List<String> argv = new BuildKitImageBuilder(BUILT_IN, Map.of(), temp).commandLine(request(Map.of()), temp.resolve("iid"));

        assertThat(argv).doesNotContain("--cache-from", "--cache-to", "BUILDKIT_INLINE_CACHE=1");
    }

    @Test
    void theBuiltInBuildKitImportsTheCacheFromTheImageAndWritesItInline() {
        BuildRequest request = request(Map.of()).withRegistryCache(Optional.of(CACHE));

        List<String> argv = new BuildKitImageBuilder(BUILT_IN, Map.of(), temp).commandLine(request, temp.resolve("iid"));

        assertThat(argv).containsSubsequence("--cache-from", CACHE.toString())
                .containsSubsequence("--build-arg", "BUILDKIT_INLINE_CACHE=1")
                .doesNotContain("--cache-to")
                .endsWith(temp.toString());
    }

    @Test
    void buildxExportsARegistryCacheInTheOnlyFormEcrAccepts() {
        BuildRequest request = request(Map.of()).withRegistryCache(Optional.of(CACHE));

        List<String> argv = new BuildKitImageBuilder(BUILDX, Map.of(), temp).commandLine(request, temp.resolve("iid"));

        assertThat(argv).containsSubsequence("--cache-from", "type=registry,ref=" + CACHE)
                .containsSubsequence("--cache-to", "type=registry,ref=" + CACHE + ",mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true")
                .doesNotContain("BUILDKIT_INLINE_CACHE=1");
    }

    @Test
    void whenBuildxCannotExportARegistryCacheItBuildsAgainWithTheCacheInlineAndTheImageCarriesIt() throws Exception {
        Path calls = temp.resolve("calls.txt");
        BuildKitCli fakeBuildx = new BuildKitCli(fakeBuildx(calls), "28.2.2", BuildKitCli.Mode.BUILDX);
        List<String> output = new ArrayList<>();
        BuildRequest request = request(Map.of()).withRegistryCache(Optional.of(CACHE));

        BuiltImage image = new BuildKitImageBuilder(fakeBuildx, Map.of("PATH", "/usr/bin:/bin"), temp.resolve("configs"))
                .build(request, output::add);

        List<String> runs = Files.readAllLines(calls);
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).contains("--cache-to type=registry,ref=" + CACHE + ",mode=max");
        assertThat(runs.get(1)).contains("--cache-from type=registry,ref=" + CACHE).contains("--cache-to type=inline");
        assertThat(output).anySatisfy(line -> assertThat(line).contains("building again with the cache inline"));
        assertThat(image.imageId()).isEqualTo("sha256:" + "c".repeat(64));
        assertThat(image.publishAsCache()).contains(CACHE);
    }

    @Test
    void anImageBuiltWithoutARegistryCacheIsNotPublishedAsOne() throws Exception {
        BuildKitCli fakeBuildx = new BuildKitCli(fakeBuildx(temp.resolve("calls.txt")), "28.2.2", BuildKitCli.Mode.BUILDX);

        BuiltImage image = new BuildKitImageBuilder(fakeBuildx, Map.of("PATH", "/usr/bin:/bin"), temp.resolve("configs"))
                .build(request(Map.of()), line -> { });

        assertThat(image.publishAsCache()).isEmpty();
    }

    @Test
    void aBuildThatRunsPastItsTimeoutIsStoppedAndNamesTheInput() throws Exception {
        Path script = temp.resolve("hanging-docker");
        Path pidFile = temp.resolve("pid");
        Files.writeString(script, "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec sleep 300\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        BuildKitCli hanging = new BuildKitCli(script, "28.2.2", BuildKitCli.Mode.BUILDX);

        assertThatThrownBy(() -> new BuildKitImageBuilder(hanging, Map.of("PATH", "/usr/bin:/bin"), temp.resolve("configs"),
                BuildTimeout.of(java.time.Duration.ofSeconds(1))).build(request(Map.of()), line -> { }))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("The image build was still running after 1s and was stopped")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("buildTimeout"));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(temp.resolve("configs")).isEmptyDirectory();
    }

    /**
     * A stand-in for buildx on the engine's default builder, which this machine has not: it refuses a registry
     * cache export the way buildx's docker driver does, and otherwise "builds" by writing an image id.
     */
    private Path fakeBuildx(Path calls) throws Exception {
        Path script = temp.resolve("docker");
        Files.writeString(script, """
                #!/bin/sh
                echo "$*" >> '%s'
                case "$*" in
                  *"--cache-to type=registry"*)
                    echo "ERROR: failed to build: Cache export is not supported for the docker driver."
                    echo "Switch to a different driver, or turn on the containerd image store, and try again."
                    exit 1 ;;
                esac
                while [ "$#" -gt 0 ]; do
                  if [ "$1" = "--iidfile" ]; then echo "sha256:%s" > "$2"; fi
                  shift
                done
                """.formatted(calls, "c".repeat(64)));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void theCliGetsThePrivateConfigAndTheEngineAddressButNotTheRestOfTheEnvironment() {
        Map<String, String> runnerEnv = Map.of("PATH", "/usr/bin", "DOCKER_HOST", "tcp://10.0.0.5:2376",
                "AWS_SECRET_ACCESS_KEY", "aws-secret", "DOCKER_CONFIG", "/home/ci/.docker");
        BuildKitImageBuilder builder = new BuildKitImageBuilder(BUILT_IN, runnerEnv, temp);

        Map<String, String> env = builder.environment(request(Map.of()), temp.resolve("private"));

        assertThat(env).containsEntry("DOCKER_HOST", "tcp://10.0.0.5:2376")
                .containsEntry("DOCKER_CONFIG", temp.resolve("private").toString())
                .containsEntry("DOCKER_BUILDKIT", "1")
                .doesNotContainKey("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void aBuildArgNamedLikeAVariableTheCliReadsIsRefused() {
        BuildKitImageBuilder builder = new BuildKitImageBuilder(BUILT_IN, Map.of(), temp);

        assertThatThrownBy(() -> builder.build(request(Map.of("DOCKER_HOST", "x")), line -> { }))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("DOCKER_HOST")
                .hasMessageContaining("--builder engine");
    }

    private BuildRequest request(Map<String, String> buildArgs) {
        return new BuildRequest(temp, temp.resolve("Dockerfile"), buildArgs, Optional.empty(), Map.of(),
                Optional.empty(), false, false, "ecrflow-build/web:1", List.of());
    }
}
