package io.ecrflow.testbed.faults;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Faults armed per key for the next N requests: each take uses one up. Counted, not timed, so tests never race. */
final class CountedFaults<F> {
    private record Armed<F>(F fault, AtomicInteger left) {
    }

    private final Map<String, Armed<F>> armed = new ConcurrentHashMap<>();

    void arm(String key, F fault, int times) {
        armed.put(key, new Armed<>(fault, new AtomicInteger(times)));
    }

    boolean armedFor(String keyPrefix) {
        return armed.keySet().stream().anyMatch(key -> key.startsWith(keyPrefix));
    }

    /** The fault for {@code key}, using one up; empty when none is armed or all are used. */
    Optional<F> take(String key) {
        Armed<F> fault = armed.get(key);
        if (fault == null || fault.left().getAndUpdate(left -> Math.max(0, left - 1)) <= 0) {
            return Optional.empty();
        }
        return Optional.of(fault.fault());
    }
}
