package io.ecrflow.testbed.apps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A small app to build: {@code FROM scratch} plus Debian's static busybox, because no public registry
 * is reachable from the test bed. Each call writes a fresh context so builds never share state. The
 * runner's and the tasks' end-to-end tests build it.
 */
public final class SampleApp {
    private SampleApp() {
    }

    /** A context with {@code src/Dockerfile} (seed 000's layout) serving a page that includes {@code marker}. */
    public static Path create(Path root, String marker) throws IOException {
        Path src = Files.createDirectories(root.resolve("src"));
        Files.copy(Path.of("/bin/busybox"), src.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(src.resolve("index.html"), "<p>" + marker + "</p>\n");
        Files.writeString(src.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                ARG GREETING=hello
                RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /www && echo $GREETING > /www/greeting.txt"]
                COPY index.html /www/index.html
                CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
        return root;
    }
}
