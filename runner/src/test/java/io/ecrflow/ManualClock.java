package io.ecrflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that moves only when a loop pauses through {@link #sleeper()}, keeping each pause: time passes, none is waited. */
public final class ManualClock extends Clock {
    private volatile Instant now;
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    public ManualClock() {
        this(Instant.parse("2026-01-01T10:00:00Z"));
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    /** A sleeper that moves this clock on by each pause instead of waiting. */
    public Waiting.Sleeper sleeper() {
        return pause -> {
            pauses.add(pause);
            advance(pause);
        };
    }

    /** Every pause so far, in order. */
    public List<Duration> pauses() {
        return List.copyOf(pauses);
    }

    /** {@code waiting} on this clock. */
    public Waiting drive(Waiting waiting) {
        return waiting.on(this, sleeper());
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
