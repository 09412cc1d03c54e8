package io.ecrflow.testbed.faults;

import io.ecrflow.testbed.registry.RegistryRoute;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knobs for faults in the middle of a push, counted, not timed: a registry that dies once a repository's
 * push has started N blob uploads (every later request of that repository loses its connection without an
 * answer, as a killed registry's would), and logins that expire right after a tag was written (as twelve
 * hours passing between the engine's push and the next tag would) or right before a blob is read (as during a long
 * promotion).
 */
public final class PushFaults {
    private final Map<String, AtomicInteger> uploadsUntilOutage = new ConcurrentHashMap<>();
    private final Set<String> expiringAfterWrite = ConcurrentHashMap.newKeySet();
    private final Set<String> expiringAtBlobRead = ConcurrentHashMap.newKeySet();

    public void dieAfterUploads(String repository, int uploads) {
        uploadsUntilOutage.put(repository, new AtomicInteger(uploads));
    }

    /** Whether this request finds the registry gone; an upload started while it is up counts down. */
    public boolean down(RegistryRoute route) {
        AtomicInteger left = uploadsUntilOutage.get(route.repository());
        if (left == null) {
            return false;
        }
        if (left.get() <= 0) {
            return true;
        }
        if (route.kind() == RegistryRoute.Kind.UPLOAD) {
            left.decrementAndGet();
        }
        return false;
    }

    public void expirePasswordsAfterWrite(String repository, String tag) {
        expiringAfterWrite.add(repository + ":" + tag);
    }

    /** Whether the passwords expire now that this tag was written; once per knob. */
    public boolean expiresAfterWrite(String repository, String tag) {
        return expiringAfterWrite.remove(repository + ":" + tag);
    }

    public void expirePasswordsAtBlobRead(String repository) {
        expiringAtBlobRead.add(repository);
    }

    /** Whether the passwords expire before this request is authorised: the first blob GET of the repository, once. */
    public boolean expiresAtBlobRead(String method, String path) {
        return method.equals("GET") && RegistryRoute.of(path).filter(route -> route.kind() == RegistryRoute.Kind.BLOB)
                .map(route -> expiringAtBlobRead.remove(route.repository())).orElse(false);
    }
}
