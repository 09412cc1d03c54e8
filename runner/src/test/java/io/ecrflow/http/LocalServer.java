package io.ecrflow.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A plain HTTP server on a free loopback port for one test: every path below {@code context} goes to one handler. */
public final class LocalServer implements AutoCloseable {
    private final HttpServer server;

    private LocalServer(HttpServer server) {
        this.server = server;
    }

    public static LocalServer start(String context, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(context, handler);
        server.start();
        return new LocalServer(server);
    }

    /** {@code 127.0.0.1:<port>}, as a registry host or a URL's authority. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
