package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.pipeline.SectionPipeline;
import io.ecrflow.platform.PlatformImage;
import io.ecrflow.platform.PlatformImageOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code platform-image --images-file}: every image of the file checked at once (at most {@code parallel} at a
 * time), then, in the file's order, each image's log group with its check, and the build, test and
 * publication of those whose check found something to publish, one at a time. An image that fails does not
 * stop the others; the step fails at the end, naming the images that failed.
 */
final class PlatformImageFleet {
    private final Pipeline pipeline;
    private final int parallel;

    /** One image of the file: its log section, its flow, and its inputs, all checked already. */
    record Member(String id, SectionPipeline log, PlatformImage image, PlatformImageOptions options) {
    }

    PlatformImageFleet(Pipeline pipeline, int parallel) {
        this.pipeline = pipeline;
        this.parallel = parallel;
    }

    void run(List<Member> members) {
        pipeline.info("Checking " + members.size() + " platform images, " + Math.min(parallel, members.size())
                + " at a time.");
        List<String> updated = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        ExecutorService checks = Executors.newFixedThreadPool(Math.min(parallel, members.size()), checkThreads());
        try {
            List<Future<PlatformImage.Check>> found = members.stream()
                    .map(member -> checks.submit(() -> member.image().check(member.options()))).toList();
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                // the group opens once its check is done: what the run itself says meanwhile stays outside it
                awaitCheck(found.get(i));
                member.log().open();
                try {
                    if (member.image().publish(result(found.get(i)))) {
                        updated.add(member.id());
                    }
                } catch (RuntimeException e) {
                    Main.report(member.log(), e);
                    failed.add(member.id());
                } finally {
                    member.log().close();
                }
            }
        } finally {
            checks.shutdownNow();
        }
        pipeline.setOutput("updatedImages", String.join(",", updated));
        pipeline.info(members.size() + " platform images checked: " + (updated.isEmpty() ? "none" : String.join(", ", updated))
                + " published, " + (members.size() - updated.size() - failed.size()) + " with no update"
                + (failed.isEmpty() ? "." : ", " + String.join(", ", failed) + " failed."));
        if (!failed.isEmpty()) {
            throw new UserError(failed.size() + " of " + members.size() + " platform images failed: "
                    + String.join(", ", failed) + ". Each one's log group says why; the others were checked and "
                    + "published as their own decisions said.");
        }
    }

    private static void awaitCheck(Future<PlatformImage.Check> check) {
        try {
            check.get();
        } catch (ExecutionException failed) {
            // reported in the image's group
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The check's result, or the exception it ended with. */
    private static PlatformImage.Check result(Future<PlatformImage.Check> check) {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a check", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static ThreadFactory checkThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "platform-check-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
