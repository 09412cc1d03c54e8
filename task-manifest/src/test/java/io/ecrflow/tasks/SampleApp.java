package io.ecrflow.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A repository checkout with seed 000's layout, {@code src/Dockerfile}: an image {@code FROM scratch}
 * with Debian's static busybox, since no public registry is reachable from the test bed.
 */
final class SampleApp {
    private SampleApp() {
    }

    static Path create(Path sources, String marker) throws IOException {
        Path src = Files.createDirectories(sources.resolve("src"));
        Files.copy(Path.of("/bin/busybox"), src.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(src.resolve("index.html"), "<p>" + marker + "</p>\n");
        Files.writeString(src.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                COPY index.html /www/index.html
                CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
        return sources;
    }
}
