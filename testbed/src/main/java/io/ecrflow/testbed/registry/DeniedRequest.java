package io.ecrflow.testbed.registry;

import java.time.Instant;

/**
 * A request the registry front refused before it reached the registry.
 *
 * @param code the distribution-spec error code sent back: {@code UNAUTHORIZED}, {@code DENIED},
 *             {@code NAME_UNKNOWN} or {@code TAG_INVALID}
 */
public record DeniedRequest(String method, String path, int status, String code, String message, Instant at) {}
