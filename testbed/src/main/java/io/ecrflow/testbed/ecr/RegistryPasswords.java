package io.ecrflow.testbed.ecr;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Secrets the test bed issued, each valid until it expires: the passwords GetAuthorizationToken issued for user
 * {@code AWS}, each acting for the caller that asked for it (its access key), whose permissions the registry front
 * checks; or the bearer tokens ECR Public's token service issued for them.
 */
public final class RegistryPasswords {

    public enum Verdict { VALID, EXPIRED, UNKNOWN }

    public record Issued(String password, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiryByPassword = new ConcurrentHashMap<>();
    private final Map<String, String> callerByPassword = new ConcurrentHashMap<>();
    private final List<String> inIssueOrder = new CopyOnWriteArrayList<>();
    private final Duration lifetime;

    public RegistryPasswords(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** A password for ECR Public, whose permissions the testbed does not model. */
    public Issued issue() {
        return issue(Optional.empty());
    }

    /** A password that acts for the caller with this access key. */
    public Issued issue(String callerAccessKeyId) {
        return issue(Optional.of(callerAccessKeyId));
    }

    private Issued issue(Optional<String> callerAccessKeyId) {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = Instant.now().plus(lifetime);
        expiryByPassword.put(password, expiresAt);
        inIssueOrder.add(password);
        callerAccessKeyId.ifPresent(key -> callerByPassword.put(password, key));
        return new Issued(password, expiresAt);
    }

    public Verdict check(String password) {
        Instant expiresAt = expiryByPassword.get(password);
        if (expiresAt == null) {
            return Verdict.UNKNOWN;
        }
        return Instant.now().isBefore(expiresAt) ? Verdict.VALID : Verdict.EXPIRED;
    }

    /** The access key of the caller a password was issued to, if known. */
    public Optional<String> caller(String password) {
        return Optional.ofNullable(callerByPassword.get(password));
    }

    public List<String> issued() {
        return List.copyOf(inIssueOrder);
    }

    /** Lets tests see what an expired token does without waiting twelve hours. */
    public void expireAll() {
        Instant past = Instant.now().minusSeconds(1);
        expiryByPassword.replaceAll((password, expiry) -> past);
    }
}
