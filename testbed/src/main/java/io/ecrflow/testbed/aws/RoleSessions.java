package io.ecrflow.testbed.aws;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The temporary credentials STS issued: each becomes a key the signature check accepts until it expires. */
public final class RoleSessions {

    /** What a caller receives; the secret parts live only here and in the verifier. */
    public record Issued(RoleSession session, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Issued[" + session.accessKeyId() + "]";
        }
    }

    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final SigV4Verifier verifier;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, RoleSession> byAccessKey = new ConcurrentHashMap<>();
    private final List<RoleSession> inIssueOrder = new CopyOnWriteArrayList<>();
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    private final InstantSource clock;

    /** {@code clock} is the time sessions are issued at and expire by. */
    public RoleSessions(SigV4Verifier verifier, InstantSource clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Issues keys for a session that lasts {@code lifetime} from now. */
    Issued issue(RoleSession.Request request, Duration lifetime) {
        Instant issuedAt = clock.instant();
        Instant expiresAt = issuedAt.plus(lifetime);
        String accessKeyId = "ASIA" + randomText(KEY_ALPHABET, 16);
        String secret = randomBase64(30);
        String token = "IQoJb3JpZ2luX2VjE" + randomBase64(96);
        RoleSession session = request.issued(accessKeyId, issuedAt, expiresAt);
        verifier.allow(AllowedCredential.expiring(accessKeyId, secret, token, expiresAt));
        byAccessKey.put(accessKeyId, session);
        inIssueOrder.add(session);
        secrets.add(secret);
        secrets.add(token);
        return new Issued(session, secret, token);
    }

    Optional<RoleSession> find(String accessKeyId) {
        return Optional.ofNullable(byAccessKey.get(accessKeyId));
    }

    public List<RoleSession> all() {
        return List.copyOf(inIssueOrder);
    }

    /** Every secret access key and session token issued, for tests that check none leaks. */
    public List<String> secrets() {
        return List.copyOf(secrets);
    }

    private String randomText(String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString().toUpperCase(Locale.ROOT);
    }

    private String randomBase64(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return java.util.Base64.getEncoder().encodeToString(value);
    }
}
