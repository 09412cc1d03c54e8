package io.ecrflow.pipeline;

import io.ecrflow.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One part of a run that works alongside others (one platform image of many), seen through the run's own
 * pipeline: its lines are held until {@link #open() its turn}, then printed together in one log group, so the
 * log of parts running at once never interleaves. Its outputs carry the part's id ({@code net6_updated}),
 * its summary parts come under the part's heading, its phases under its name. Secrets go to the pipeline at
 * once, held or not: they must be masked before any line that might hold them is printed.
 */
public final class SectionPipeline implements Pipeline {
    private final Pipeline pipeline;
    private final String id;
    private final String title;
    private final List<Runnable> held = new ArrayList<>();
    private boolean open;
    private boolean summaryHeaded;

    /**
     * @param id    what outputs are prefixed with; a valid variable name
     * @param title the log group's title
     */
    public SectionPipeline(Pipeline pipeline, String id, String title) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.id = Objects.requireNonNull(id, "id");
        this.title = Objects.requireNonNull(title, "title");
    }

    /** The name an output of this part takes in the run: {@code <id>_<name>}. */
    public String outputName(String name) {
        return id + "_" + name;
    }

    /** Opens the part's log group with what it said so far; from now on its lines go straight out. */
    public synchronized void open() {
        if (open) {
            return;
        }
        pipeline.beginGroup(title);
        held.forEach(Runnable::run);
        held.clear();
        open = true;
    }

    /** Ends the part's log group (opening it first, if its turn never came). */
    public synchronized void close() {
        open();
        pipeline.endGroup();
    }

    private synchronized void say(Runnable line) {
        if (open) {
            line.run();
        } else {
            held.add(line);
        }
    }

    @Override
    public Optional<String> variable(String name) {
        return pipeline.variable(name);
    }

    @Override
    public void registerSecret(Secret secret) {
        pipeline.registerSecret(secret);
    }

    @Override
    public void setOutput(String name, String value) {
        say(() -> pipeline.setOutput(outputName(name), value));
    }

    @Override
    public void exportVariable(String name, String value) {
        say(() -> pipeline.exportVariable(name, value));
    }

    @Override
    public void rememberForPostJob(String name, String value) {
        say(() -> pipeline.rememberForPostJob(name, value));
    }

    @Override
    public void info(String message) {
        say(() -> pipeline.info(message));
    }

    @Override
    public void relay(String text) {
        say(() -> pipeline.relay(text));
    }

    @Override
    public void warning(String message) {
        say(() -> pipeline.warning(message));
    }

    @Override
    public void error(String message) {
        say(() -> pipeline.error(message));
    }

    @Override
    public void progress(int percent, String description) {
        say(() -> pipeline.progress(percent, title + ": " + description));
    }

    /** CIs do not nest log groups, so a group inside the part (a build's output) is a heading line in its group. */
    @Override
    public void beginGroup(String groupTitle) {
        say(() -> pipeline.info("--- " + groupTitle));
    }

    @Override
    public void endGroup() {
        // the part's own group goes on
    }

    @Override
    public void debug(String message) {
        say(() -> pipeline.debug(message));
    }

    @Override
    public boolean debugEnabled() {
        return pipeline.debugEnabled();
    }

    @Override
    public void summary(String markdown) {
        say(() -> {
            String heading = summaryHeaded ? "" : "### " + MarkdownText.escaped(title) + "\n\n";
            summaryHeaded = true;
            pipeline.summary(heading + markdown);
        });
    }

    @Override
    public void phaseFinished(String phase, Duration took) {
        say(() -> pipeline.phaseFinished(phase + " (" + id + ")", took));
    }

    /** A part does not end the step: the run it belongs to does, once every part is done. */
    @Override
    public void complete(boolean succeeded, String message) {
        throw new IllegalStateException("a section of a run cannot complete the step");
    }

    @Override
    public Path tempDirectory() {
        return pipeline.tempDirectory();
    }
}
