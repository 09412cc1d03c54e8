package io.ecrflow.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Docker Engine the tests run against, with a small busybox base image ({@code FROM scratch} plus
 * Debian's static busybox) built once per test run and removed at its end.
 */
final class RealEngine implements ParameterResolver {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    /** One engine connection and base image for the whole run. */
    static final class Fixture implements ExtensionContext.Store.CloseableResource {
        final DockerJavaEngine engine;
        final String baseImage;

        Fixture() throws IOException, InterruptedException {
            engine = DockerJavaEngine.connect(System.getenv());
            engine.ping();
            baseImage = "ecrflow-test/busybox:" + uniqueSuffix();
            Path context = Files.createTempDirectory("ecrflow-test-base-");
            try {
                copyBusyboxInto(context);
                Files.writeString(context.resolve("Dockerfile"), """
                        FROM scratch
                        COPY busybox /bin/busybox
                        RUN ["/bin/busybox", "--install", "-s", "/bin"]
                        """);
                client().buildImageCmd(context.toFile()).withTags(Set.of(baseImage)).withForcerm(true)
                        .exec(new BuildImageResultCallback()).awaitImageId(2, TimeUnit.MINUTES);
            } finally {
                deleteTree(context);
            }
        }

        DockerClient client() {
            return engine.connection().client();
        }

        /** Runs {@code command} in a container of {@code image} (no network) and returns what it printed. */
        String run(String image, String... command) throws InterruptedException {
            String id = client().createContainerCmd(image).withCmd(command)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
            try {
                client().startContainerCmd(id).exec();
                client().waitContainerCmd(id).start().awaitStatusCode(60, TimeUnit.SECONDS);
                StringBuilder printed = new StringBuilder();
                client().logContainerCmd(id).withStdOut(true).withStdErr(true)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame frame) {
                                printed.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }).awaitCompletion(60, TimeUnit.SECONDS);
                return printed.toString();
            } finally {
                client().removeContainerCmd(id).withForce(true).exec();
            }
        }

        Map<String, String> labels(String image) {
            return engine.inspectImage(image).orElseThrow().labels();
        }

        @Override
        public void close() {
            engine.removeImage(baseImage);
            engine.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Fixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(RealEngine.class))
                .getOrComputeIfAbsent(Fixture.class, key -> {
                    try {
                        return new Fixture();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }, Fixture.class);
    }

    static String uniqueSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static void copyBusyboxInto(Path context) throws IOException {
        Files.copy(BUSYBOX, context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
