package io.ecrflow.testbed.faults;

import io.ecrflow.testbed.aws.AwsError;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A knob for race tests: the next N calls of one ECR operation for one repository wait for each other
 * before any of them is answered, so that N parallel runs see the same state (a repository none of them
 * has created yet, say). Deterministic: the calls meet, whatever the timing.
 */
public final class OperationRendezvous {
    private static final long WAIT_SECONDS = 60;

    private final Map<String, CyclicBarrier> barriers = new ConcurrentHashMap<>();

    public void meet(String operation, String repository, int parties) {
        barriers.put(key(operation, repository), new CyclicBarrier(parties));
    }

    /** Waits for the other callers when a rendezvous is set for this call; each rendezvous is used once. */
    public void arrive(String operation, String repository) {
        CyclicBarrier barrier = barriers.get(key(operation, repository));
        if (barrier == null) {
            return;
        }
        try {
            if (barrier.await(WAIT_SECONDS, TimeUnit.SECONDS) == 0) {
                barriers.remove(key(operation, repository), barrier);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsError("ServerException", "The testbed was interrupted at a rendezvous.", 500);
        } catch (BrokenBarrierException | TimeoutException e) {
            barriers.remove(key(operation, repository), barrier);
            throw new AwsError("ServerException", "The other callers never came to the " + operation
                    + " rendezvous for " + repository + ".", 500);
        }
    }

    private static String key(String operation, String repository) {
        return operation + " " + repository;
    }
}
