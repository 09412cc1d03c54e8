package io.ecrflow.testbed.faults;

import io.ecrflow.testbed.aws.AwsError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault knob: the next N calls of one ECR operation are answered as ECR answers an account over its request
 * rate, HTTP 400 with {@code __type} ThrottlingException ("Rate exceeded"; ECR API reference, "Common Errors").
 * Counted, never timed: the Nth call is throttled and the next one is answered, however fast the client retries.
 */
public final class OperationThrottling {
    private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();

    public void throttleNext(String service, String operation, int calls) {
        remaining.put(service + ":" + operation, new AtomicInteger(calls));
    }

    /** Throws the throttling error while calls of this operation are left to throttle. */
    public void check(String service, String operation) {
        AtomicInteger left = remaining.get(service + ":" + operation);
        if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AwsError("ThrottlingException", "Rate exceeded");
        }
    }
}
