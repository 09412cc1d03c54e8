package io.ecrflow.docker;

/** Receives push progress: whole percent over all layers, and notable status lines. */
public interface PushProgress {
    void percent(int percent, String description);

    void status(String line);
}
