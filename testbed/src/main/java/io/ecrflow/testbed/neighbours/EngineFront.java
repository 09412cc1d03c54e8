package io.ecrflow.testbed.neighbours;

import io.ecrflow.testbed.net.DaemonThreads;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another way in to the real Docker Engine, as a CI machine may have one: a socket at a path of the
 * test's choosing (a docker context's engine), or TLS on loopback demanding a client certificate (a remote
 * engine). Every connection is passed on to the engine's own socket; the HTTP requests that come through
 * are noted, so a test can tell which client used this way in.
 */
public final class EngineFront implements AutoCloseable {
    private static final Path ENGINE = Path.of("/var/run/docker.sock");
    private static final Pattern REQUEST = Pattern.compile("(GET|HEAD|POST|PUT|DELETE) (/\\S*) HTTP/1\\.1");

    private final ExecutorService threads = DaemonThreads.pool("engine-front");
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Interjection> interjections = new CopyOnWriteArrayList<>();
    private final AutoCloseable listener;
    private final int port;

    private EngineFront(AutoCloseable listener, int port) {
        this.listener = listener;
        this.port = port;
    }

    /** A socket at {@code path}. */
    public static EngineFront unixSocket(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        EngineFront front = new EngineFront(server, -1);
        front.<SocketChannel>acceptEach(server::accept, front::relay);
        return front;
    }

    /** TLS on a free loopback port with {@code context}'s certificate, demanding a client certificate it trusts. */
    public static EngineFront tls(SSLContext context) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        EngineFront front = new EngineFront(server, server.getLocalPort());
        front.<SSLSocket>acceptEach(() -> (SSLSocket) server.accept(), front::relay);
        return front;
    }

    /** The TLS front's port. */
    public int port() {
        return port;
    }

    /** The requests that came through, as {@code METHOD path}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * Runs {@code action} once, just before the first request whose line ({@code POST /v1.41/images/…/push})
     * matches reaches the engine: what another client of the same engine could do at that moment, made
     * deterministic for a race test.
     */
    public void before(Pattern request, Runnable action) {
        interjections.add(new Interjection(request, action, new java.util.concurrent.atomic.AtomicBoolean()));
    }

    private record Interjection(Pattern request, Runnable action, java.util.concurrent.atomic.AtomicBoolean done) {
    }

    @Override
    public void close() throws Exception {
        listener.close();
        threads.shutdownNow();
    }

    private interface Listener<C> {
        C accept() throws IOException;
    }

    /** Relays every connection {@code listener} accepts, each on a thread of its own, until it is closed. */
    private <C> void acceptEach(Listener<C> listener, java.util.function.Consumer<C> relay) {
        threads.execute(() -> {
            while (true) {
                try {
                    C client = listener.accept();
                    threads.execute(() -> relay.accept(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel engine = openEngine()) {
            threads.execute(() -> pump(engine, client, false));
            pump(client, engine, true);
        } catch (IOException ignored) {
            // the engine or the client closed the connection
        }
    }

    private void relay(SSLSocket client) {
        try (client; SocketChannel engine = openEngine()) {
            OutputStream toClient = client.getOutputStream();
            threads.execute(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                try {
                    while (engine.read(buffer) != -1) {
                        toClient.write(buffer.array(), 0, buffer.position());
                        toClient.flush();
                        buffer.clear();
                    }
                } catch (IOException ignored) {
                    // either side closed
                }
            });
            InputStream fromClient = client.getInputStream();
            byte[] bytes = new byte[64 * 1024];
            for (int read; (read = fromClient.read(bytes)) != -1; ) {
                write(ByteBuffer.wrap(bytes, 0, read), engine, true);
            }
        } catch (IOException ignored) {
            // a refused handshake or a closed connection ends the relay
        }
    }

    /**
     * Channels are read and written directly: their stream adapters share one lock, and a read waiting
     * for the engine would hold up every write.
     */
    private void pump(SocketChannel from, SocketChannel to, boolean note) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) != -1) {
                buffer.flip();
                write(buffer, to, note);
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // either side closed
        }
    }

    private void write(ByteBuffer chunk, SocketChannel to, boolean note) throws IOException {
        if (note) {
            Matcher request = REQUEST.matcher(StandardCharsets.ISO_8859_1.decode(chunk.duplicate()));
            while (request.find()) {
                String line = request.group(1) + " " + request.group(2);
                requests.add(line);
                for (Interjection interjection : interjections) {
                    if (interjection.request().matcher(line).find() && interjection.done().compareAndSet(false, true)) {
                        interjection.action().run();
                    }
                }
            }
        }
        while (chunk.hasRemaining()) {
            to.write(chunk);
        }
    }

    private static SocketChannel openEngine() throws IOException {
        SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
        engine.connect(UnixDomainSocketAddress.of(ENGINE));
        return engine;
    }
}
