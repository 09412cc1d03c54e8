package io.ecrflow.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange, the way every outside call of the runner that is not AWS's or the Docker
 * Engine's is made: registries, the Teams webhook, Azure DevOps' OIDC token service, a test application.
 * Proxies come from the JDK's proxy properties ({@link ProxySettings}); redirects only when asked for.
 *
 * <p>It runs on {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: on Java 17 that
 * client keeps a selector thread waiting in native code for as long as the process lives, and the JVM
 * then waits 300 ms at exit for it. A runner step is often over in about a second.
 */
public final class HttpCall {
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The answer: status, headers (looked up ignoring case) and the whole body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public Response {
            Map<String, List<String>> byLowerCase = new LinkedHashMap<>();
            headers.forEach((name, values) -> {
                if (name != null) {
                    byLowerCase.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values);
                }
            });
            headers = Map.copyOf(byLowerCase);
        }

        /** The first value of a header. */
        public Optional<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    private final String method;
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private InputStream streamedBody;
    private long streamedLength;
    private boolean followRedirects;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration timeout = DEFAULT_TIMEOUT;

    private HttpCall(String method, URI uri) {
        this.method = method;
        this.uri = uri;
    }

    public static HttpCall get(URI uri) {
        return new HttpCall("GET", uri);
    }

    public static HttpCall to(String method, URI uri) {
        return new HttpCall(method, uri);
    }

    /** A POST with this body (possibly empty). */
    public static HttpCall post(URI uri, byte[] body) {
        HttpCall call = new HttpCall("POST", uri);
        call.body = body.clone();
        return call;
    }

    /** Sends this body with the request (a PUT's manifest, say). */
    public HttpCall body(byte[] content) {
        body = content.clone();
        return this;
    }

    /**
     * Sends {@code length} bytes read from {@code source} as the body, as they are read: a blob of any size
     * passes through without being held in memory. A 401 to such a request is an {@link IOException}, since
     * the body cannot be sent twice: authenticate with an earlier request.
     */
    public HttpCall body(InputStream source, long length) {
        streamedBody = source;
        streamedLength = length;
        return this;
    }

    public HttpCall header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Follows redirects within the same scheme, as browsers do for a POST answered 307/308. */
    public HttpCall followRedirects() {
        followRedirects = true;
        return this;
    }

    public HttpCall connectTimeout(Duration value) {
        connectTimeout = value;
        return this;
    }

    /** How long to wait for the answer once connected (each read). */
    public HttpCall timeout(Duration value) {
        timeout = value;
        return this;
    }

    public URI uri() {
        return uri;
    }

    /** @throws IOException when there is no answer: no connection, a timeout, a broken answer */
    public Response send() throws IOException {
        HttpURLConnection connection = connect();
        try {
            int status = connection.getResponseCode();
            // Reading the whole body hands the connection back to the keep-alive cache for the next call.
            return new Response(status, connection.getHeaderFields(), readBody(connection, status));
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    /**
     * Sends the request and hands back the answer with its body still to be read (a blob), so it can be
     * passed on as it arrives. Close it when done.
     */
    public Streamed open() throws IOException {
        HttpURLConnection connection = connect();
        try {
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new Streamed(status, connection.getHeaderFields(),
                    in == null ? InputStream.nullInputStream() : in, connection.getContentLengthLong());
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    /** An answer whose body is read as it arrives; {@code length} is -1 when the server did not say. */
    public record Streamed(int status, Map<String, List<String>> headers, InputStream body, long length)
            implements java.io.Closeable {
        public Optional<String> header(String name) {
            return new Response(status, headers, new byte[0]).header(name);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private HttpURLConnection connect() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(followRedirects);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setUseCaches(false);
            headers.forEach(connection::setRequestProperty);
            if (streamedBody != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(streamedLength);
                try (OutputStream out = connection.getOutputStream()) {
                    streamedBody.transferTo(out);
                }
            } else if (body != null) {
                // Not in streaming mode: then a 401 would be an exception instead of an answer.
                connection.setDoOutput(true);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            if (connection.getResponseCode() < 0) {
                throw new IOException("the answer was not HTTP");
            }
            return connection;
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    private byte[] readBody(HttpURLConnection connection, int status) throws IOException {
        if ("HEAD".equals(method)) {
            return new byte[0];
        }
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in == null) {
            return new byte[0];
        }
        try (in; ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
            in.transferTo(bytes);
            return bytes.toByteArray();
        }
    }
}
