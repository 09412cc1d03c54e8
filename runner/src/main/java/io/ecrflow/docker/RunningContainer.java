package io.ecrflow.docker;

import java.net.URI;
import java.util.List;

/**
 * A started container and where its port answers, best first: the container's bridge address (works
 * on a Linux engine even when it manages no firewall rules) and the port published on 127.0.0.1.
 *
 * @param addresses {@code http://host:port} bases, never empty
 */
public record RunningContainer(String id, List<URI> addresses) {
    public RunningContainer {
        addresses = List.copyOf(addresses);
    }
}
