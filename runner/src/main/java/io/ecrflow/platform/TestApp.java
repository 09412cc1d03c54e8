package io.ecrflow.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The application an integration test builds on the new platform image and expects to answer over HTTP.
 *
 * @param baseArg        the build argument that receives the platform image; without it, the test
 *                       Dockerfile's FROM naming the platform image (or its base image) is replaced
 * @param path           the path asked for with GET, starting with '/'
 * @param expectedStatus the HTTP status that means "works"
 */
public record TestApp(Path context, Path dockerfile, Optional<String> baseArg, int port, String path,
                      int expectedStatus, Duration timeout) {
}
