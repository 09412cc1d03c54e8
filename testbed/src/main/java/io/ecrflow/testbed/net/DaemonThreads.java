package io.ecrflow.testbed.net;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for the testbed's servers; daemon threads so a forgotten testbed never blocks exit. */
public final class DaemonThreads {

    private DaemonThreads() {}

    public static ExecutorService pool(String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
