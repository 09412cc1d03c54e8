package io.ecrflow.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry front's public port. Docker tries HTTPS before plain HTTP even on loopback, and
 * the JDK's HTTP server silently waits for a request line that a TLS handshake never sends, so
 * every push would stall until Docker's TLS timeout. This listener answers a TLS handshake at
 * once with a plain HTTP error (Docker then falls back to HTTP) and relays every other
 * connection byte for byte to the front's HTTP server.
 */
final class TlsProbeRefuser implements AutoCloseable {

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final String PLAIN_HTTP_ONLY_BODY = "This endpoint speaks plain HTTP.\n";
    private static final byte[] PLAIN_HTTP_ONLY = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain\r\nContent-Length: " + PLAIN_HTTP_ONLY_BODY.length() + "\r\n"
            + "Connection: close\r\n\r\n" + PLAIN_HTTP_ONLY_BODY).getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final ExecutorService threads = DaemonThreads.pool("ecrflow-testbed-relay");
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;

    private TlsProbeRefuser(ServerSocket listener) {
        this.listener = listener;
    }

    static TlsProbeRefuser bind() throws IOException {
        return new TlsProbeRefuser(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return listener.getLocalPort();
    }

    void relayTo(int port) {
        this.targetPort = port;
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closing) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        open.add(client);
        try {
            client.setTcpNoDelay(true);
            InputStream fromClient = client.getInputStream();
            int first = fromClient.read();
            if (first == TLS_HANDSHAKE_RECORD) {
                client.getOutputStream().write(PLAIN_HTTP_ONLY);
                client.getOutputStream().flush();
            }
            if (first == -1 || first == TLS_HANDSHAKE_RECORD) {
                closeQuietly(client);
                return;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(upstream);
            upstream.setTcpNoDelay(true);
            upstream.getOutputStream().write(first);
            AtomicInteger directionsLeft = new AtomicInteger(2);
            threads.execute(() -> pipe(fromClient, upstream, client, upstream, directionsLeft));
            pipe(upstream.getInputStream(), client, client, upstream, directionsLeft);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** Copies one direction; half-closes the other side at end of stream, closes both when both ended. */
    private void pipe(InputStream in, Socket destination, Socket client, Socket upstream, AtomicInteger directionsLeft) {
        try {
            OutputStream out = destination.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
            destination.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        if (directionsLeft.decrementAndGet() == 0) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
