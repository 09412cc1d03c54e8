package io.ecrflow.it;

import io.ecrflow.testbed.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A machine whose docker CLI is set to a docker context (as Colima or rootless Docker set it up) and has
 * no DOCKER_HOST: the build, through the docker CLI, and the push, through the engine API, both go to the
 * context's engine. Here that engine is the real one behind a socket of the test's own, which records the
 * requests that pass.
 */
class DockerContextIT extends TestBedTest {
    private static final Path ENGINE = Path.of("/var/run/docker.sock");
    private static final Pattern REQUEST = Pattern.compile("(GET|HEAD|POST|PUT|DELETE) (/\\S*) HTTP/1\\.1");

    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "context-socket");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ServerSocketChannel socket;

    @AfterEach
    void closeSocket() throws IOException {
        if (socket != null) {
            socket.close();
        }
        threads.shutdownNow();
    }

    @Test
    void theBuildAndThePushGoToTheEngineOfTheCurrentContext() throws Exception {
        SampleApp.create(work, "context");
        Path home = Files.createDirectories(work.resolve("home"));
        Path contextSocket = work.resolve("engine.sock");
        startRecordingSocket(contextSocket);
        writeCurrentContext(home, "ci", "unix://" + contextSocket);
        String repository = "team/context-" + UUID.randomUUID().toString().substring(0, 8);

        RunResult result = runner("build-push", "--repository", repository, "--context", "src", "--tags", "v1",
                "--builder", "buildkit")
                .env(TestBedFixture.awsEnvironment()).env("HOME", home.toString()).in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(testbed.tagsOf(repository)).containsExactly("v1");
        assertThat(requests).as("the docker CLI's BuildKit build came through the context's socket")
                .anyMatch(request -> request.matches("POST /v[0-9.]+/build\\?.*"));
        assertThat(requests).as("and so did docker-java's push")
                .anyMatch(request -> request.startsWith("POST /images/") && request.contains(repository.replace("/", "%2F") + "/push"));
    }

    @Test
    void aContextWhoseEngineIsNotThereIsNamedInTheError() throws Exception {
        SampleApp.create(work, "context-gone");
        Path home = Files.createDirectories(work.resolve("home"));
        writeCurrentContext(home, "ci", "unix://" + work.resolve("nothing-listens.sock"));

        RunResult result = runner("build-push", "--repository", "team/context-gone", "--context", "src", "--tags", "v1")
                .env(TestBedFixture.awsEnvironment()).env("HOME", home.toString()).in(work).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout() + result.stderr()).contains("No Docker Engine is reachable at unix://"
                + work.resolve("nothing-listens.sock") + " (from docker context 'ci')");
    }

    /** As `docker context create ci --docker host=…` and `docker context use ci` leave them. */
    private static void writeCurrentContext(Path home, String name, String host) throws Exception {
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        Path meta = Files.createDirectories(home.resolve(".docker/contexts/meta").resolve(id));
        Files.writeString(meta.resolve("meta.json"), """
                {"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"%s","SkipTLSVerify":false}}}
                """.formatted(name, host));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"%s\"}".formatted(name));
    }

    /** A socket that passes every connection on to the engine and notes the HTTP requests it carries. */
    private void startRecordingSocket(Path path) throws IOException {
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(path));
        threads.execute(() -> {
            while (socket.isOpen()) {
                try {
                    SocketChannel client = socket.accept();
                    threads.execute(() -> relay(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.connect(UnixDomainSocketAddress.of(ENGINE));
            threads.execute(() -> pump(engine, client, false));
            pump(client, engine, true);
        } catch (IOException ignored) {
            // the engine or the client closed the connection
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean record) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) != -1) {
                buffer.flip();
                if (record) {
                    Matcher request = REQUEST.matcher(StandardCharsets.ISO_8859_1.decode(buffer.duplicate()));
                    while (request.find()) {
                        requests.add(request.group(1) + " " + request.group(2));
                    }
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // either side closed
        }
    }
}
