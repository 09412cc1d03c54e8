package io.ecrflow.testbed.neighbours;

import io.ecrflow.testbed.net.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

/**
 * An HTTP forward proxy on loopback, as corporate networks put between agents and the internet: it takes
 * requests in absolute form ({@code GET http://host:port/path}), may demand Basic proxy credentials (407
 * first, as real proxies do), and reaches host names only it knows (each mapped to an address), so a
 * request that arrives at its target went through the proxy. HTTP only: no CONNECT tunnels.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = DaemonThreads.pool("forward-proxy");
    private final Map<String, String> hosts;
    private final Optional<String> credentials;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    /**
     * @param hosts       host names this proxy resolves, to the address it connects to instead
     * @param credentials {@code user:password} the proxy demands, if any
     */
    public ForwardProxy(Map<String, String> hosts, Optional<String> credentials) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.hosts = Map.copyOf(hosts);
        this.credentials = credentials;
        threads.execute(this::acceptLoop);
    }

    /** {@code http://127.0.0.1:<port>}, to put in HTTP_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Requests forwarded, as {@code METHOD absolute-URI}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered 407 for missing or wrong credentials. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            while (true) {
                List<String> head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                String[] requestLine = head.get(0).split(" ");
                byte[] body = in.readNBytes(contentLength(head));
                String request = requestLine[0] + " " + requestLine[1];
                if (credentials.isPresent() && !header(head, "Proxy-Authorization").equals(Optional.of(
                        "Basic " + Base64.getEncoder().encodeToString(credentials.get().getBytes(StandardCharsets.UTF_8))))) {
                    refused.add(request);
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                requests.add(request);
                forward(requestLine, head, body, out);
                return;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or sent something that is not a proxy request: drop the connection
        }
    }

    /** Sends the request on in origin form and relays the whole answer; one request per connection. */
    private void forward(String[] requestLine, List<String> head, byte[] body, OutputStream out) throws IOException {
        URI target = URI.create(requestLine[1]);
        String address = hosts.get(target.getHost().toLowerCase(Locale.ROOT));
        if (address == null) {
            out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        try (Socket upstream = new Socket(address, target.getPort() == -1 ? 80 : target.getPort())) {
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            StringBuilder request = new StringBuilder(requestLine[0]).append(' ').append(path)
                    .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(" HTTP/1.1\r\n");
            for (String line : head.subList(1, head.size())) {
                String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (!name.startsWith("proxy-") && !name.equals("connection")) {
                    request.append(line).append("\r\n");
                }
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            toUpstream.write(body);
            toUpstream.flush();
            upstream.getInputStream().transferTo(out);
            out.flush();
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).replaceAll("\r$", "");
                line.reset();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    private static Optional<String> header(List<String> head, String name) {
        return head.stream().skip(1).filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim()).findFirst();
    }

    private static int contentLength(List<String> head) {
        return header(head, "Content-Length").map(Integer::parseInt).orElse(0);
    }
}
