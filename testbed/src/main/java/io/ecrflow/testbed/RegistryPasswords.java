package io.ecrflow.testbed;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Secrets the test bed issued, each valid until it expires: the passwords GetAuthorizationToken issued for user
 * {@code AWS}, or the bearer tokens ECR Public's token service issued for them.
 */
final class RegistryPasswords {

    enum Verdict { VALID, EXPIRED, UNKNOWN }

    record Issued(String password, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiryByPassword = new ConcurrentHashMap<>();
    private final List<String> inIssueOrder = new CopyOnWriteArrayList<>();
    private final Duration lifetime;

    RegistryPasswords(Duration lifetime) {
        this.lifetime = lifetime;
    }

    Issued issue() {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = Instant.now().plus(lifetime);
        expiryByPassword.put(password, expiresAt);
        inIssueOrder.add(password);
        return new Issued(password, expiresAt);
    }

    Verdict check(String password) {
        Instant expiresAt = expiryByPassword.get(password);
        if (expiresAt == null) {
            return Verdict.UNKNOWN;
        }
        return Instant.now().isBefore(expiresAt) ? Verdict.VALID : Verdict.EXPIRED;
    }

    List<String> issued() {
        return List.copyOf(inIssueOrder);
    }

    /** Lets tests see what an expired token does without waiting twelve hours. */
    void expireAll() {
        Instant past = Instant.now().minusSeconds(1);
        expiryByPassword.replaceAll((password, expiry) -> past);
    }
}
