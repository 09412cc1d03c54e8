package io.ecrflow.platform;

import java.util.Optional;

/**
 * Whether a new platform image version is needed, and why, in words for the log.
 *
 * @param upstream what the base image's tag points to now
 * @param builtOn  what the current platform image records, when it records anything
 */
public record UpdateDecision(boolean update, String reason, BaseLabels upstream, Optional<BaseLabels> builtOn) {
}
