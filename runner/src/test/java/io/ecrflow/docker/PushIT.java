package io.ecrflow.docker;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RegistryCredential;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import io.ecrflow.testbed.registry.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pushes through the real engine to Debian's docker-registry on loopback. */
@ExtendWith(RealEngine.class)
class PushIT {
    private static final RepositoryName REPOSITORY = new RepositoryName("ecrflow-test/app");

    @TempDir
    static Path temp;
    static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start(temp);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    @Test
    void pushesEveryTagAndUploadsEachLayerOnce(RealEngine.Fixture engine) throws Exception {
        // A layer of its own, so the first push has something new to upload.
        BuiltImage built = buildWithUniqueLayer(engine);
        String imageId = built.imageId();
        ImageRef one = ref(Tag.of("one"));
        ImageRef two = ref(Tag.of("two"));
        int layers = engine.client().inspectImageCmd(imageId).exec().getRootFS().getLayers().size();
        try {
            engine.engine.tag(imageId, one);
            engine.engine.tag(imageId, two);

            Recorded first = new Recorded();
            Digest firstDigest = engine.engine.push(one, credential(), first);
            Recorded second = new Recorded();
            Digest secondDigest = engine.engine.push(two, credential(), second);

            assertThat(first.statuses).filteredOn(line -> line.endsWith(": Pushed")
                    || line.endsWith(": Layer already exists")).hasSize(layers);
            assertThat(first.statuses).anyMatch(line -> line.endsWith(": Pushed"));
            assertThat(first.percents).endsWith(100).isSorted();
            assertThat(second.statuses).filteredOn(line -> line.endsWith(": Layer already exists")).hasSize(layers);
            assertThat(second.statuses).noneMatch(line -> line.endsWith(": Pushed"));
            assertThat(second.percents).endsWith(100);
            assertThat(secondDigest).isEqualTo(firstDigest);
            assertThat(registry.manifestDigest(REPOSITORY.value(), "one")).contains(firstDigest.toString());
            assertThat(registry.manifestDigest(REPOSITORY.value(), "two")).contains(firstDigest.toString());
            assertThat(engine.engine.inspectImage(imageId).orElseThrow().repoDigests())
                    .contains(one.repositoryUri() + "@" + firstDigest);
        } finally {
            engine.engine.removeImage(one.toString());
            engine.engine.removeImage(two.toString());
            engine.engine.removeImage(built.localName());
        }
    }

    @Test
    void aPushToARegistryThatIsNotThereFailsWithoutShowingThePassword(RealEngine.Fixture engine) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImageRef nowhere = ImageRef.tagged("127.0.0.1:" + closedPort, REPOSITORY, Tag.of("lost"));
        String imageId = engine.engine.inspectImage(engine.baseImage).orElseThrow().id();
        engine.engine.tag(imageId, nowhere);
        RegistryCredential credential = new RegistryCredential(
                nowhere.registry(), "AWS", Secret.of("hunter2-never-shown"), Instant.now());
        try {
            assertThatThrownBy(() -> engine.engine.push(nowhere, credential, new Recorded()))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(nowhere.toString())
                    .hasMessageNotContaining("hunter2-never-shown");
        } finally {
            engine.engine.removeImage(nowhere.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine", "buildkit"})
    void bothBuildersPullTheBaseImageFromTheRegistryWhenAskedTo(String builderName, RealEngine.Fixture engine)
            throws Exception {
        ImageRef base = ref(Tag.of("base-" + builderName));
        String localName = ImageBuildersIT.localName(builderName);
        engine.engine.tag(engine.engine.inspectImage(engine.baseImage).orElseThrow().id(), base);
        try {
            engine.engine.push(base, credential(), new Recorded());
            engine.engine.removeImage(base.toString());
            Path context = Files.createDirectories(temp.resolve("pull-" + builderName));
            Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nLABEL pulled=yes\n");
            BuildRequest request = new BuildRequest(context, context.resolve("Dockerfile"), Map.of(), Optional.empty(),
                    Map.of(), Optional.empty(), false, true, localName, List.of(credential()));
            List<String> output = new ArrayList<>();

            ImageBuildersIT.builder(builderName, engine).build(request, output::add);

            assertThat(engine.labels(localName)).containsEntry("pulled", "yes");
            assertThat(engine.engine.imageExists(localName)).isTrue();
            assertThat(String.join("\n", output)).contains(base.repositoryUri());
        } finally {
            engine.engine.removeImage(localName);
            engine.engine.removeImage(base.toString());
        }
    }

    private static BuiltImage buildWithUniqueLayer(RealEngine.Fixture engine) throws Exception {
        Path context = Files.createDirectories(temp.resolve("unique-" + RealEngine.uniqueSuffix()));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + engine.baseImage + "\nCOPY stamp /stamp\n");
        Files.writeString(context.resolve("stamp"), RealEngine.uniqueSuffix());
        BuildRequest request = new BuildRequest(context, context.resolve("Dockerfile"), Map.of(), Optional.empty(),
                Map.of(), Optional.empty(), false, false, ImageBuildersIT.localName("push"), List.of());
        return new EngineImageBuilder(engine.engine.connection()).build(request, line -> { });
    }

    private static ImageRef ref(Tag tag) {
        return ImageRef.tagged(registry.host(), REPOSITORY, tag);
    }

    private static RegistryCredential credential() {
        // The test registry asks for no login; the engine is given one anyway, as it would be for ECR.
        return new RegistryCredential(registry.host(), "AWS", Secret.of("unused-password"), Instant.now());
    }

    static final class Recorded implements PushProgress {
        final List<Integer> percents = new ArrayList<>();
        final List<String> statuses = new ArrayList<>();

        @Override
        public void percent(int percent, String description) {
            percents.add(percent);
        }

        @Override
        public void status(String line) {
            statuses.add(line);
        }
    }
}
