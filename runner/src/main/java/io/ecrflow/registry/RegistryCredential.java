package io.ecrflow.registry;

import io.ecrflow.Secret;

import java.time.Instant;

/** Username and password for one registry host, as a login hands them out. Held in memory only. */
public record RegistryCredential(String registry, String username, Secret password, Instant expiresAt) {
}
