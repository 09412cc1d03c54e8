package io.ecrflow;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one policy of every loop that waits: attempts, pauses and deadlines, on a clock a test moves. */
class WaitingTest {

    @Test
    void doublingPausesStopAtTheLongestAndALongerAskedPauseWinsWithinIt() {
        Waiting waiting = Waiting.doubling(5, Duration.ofMillis(500), Duration.ofSeconds(8));

        assertThat(waiting.pauseAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(waiting.pauseAfter(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(waiting.pauseAfter(9)).isEqualTo(Duration.ofSeconds(8));
        assertThat(waiting.pauseAfter(1, Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
        assertThat(waiting.pauseAfter(1, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofSeconds(8));
        assertThat(waiting.pauseAfter(4, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void linearPausesGrowByTheFirstAndFixedOnesStayTheSame() {
        assertThat(Waiting.linear(3, Duration.ofSeconds(1)).pauseAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Waiting.fixed(3, Duration.ofSeconds(15)).pauseAfter(2)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void attemptsAreBoundedAndALimitNeverGoesBelowOne() {
        Waiting three = Waiting.linear(3, Duration.ofMillis(500));

        assertThat(three.allowsAfter(2)).isTrue();
        assertThat(three.allowsAfter(3)).isFalse();
        assertThat(three.attempt(2)).isEqualTo("attempt 2 of 3");
        assertThat(three.limitedTo(2).attempts()).isEqualTo(2);
        assertThat(three.limitedTo(0).attempts()).isEqualTo(1);
        assertThat(three.limitedTo(9).attempts()).isEqualTo(3);
        assertThatThrownBy(() -> Waiting.fixed(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pausesPassOnTheInjectedClockAndADeadlineComesWithoutWaiting() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
        Waiting waiting = clock.drive(Waiting.every(Duration.ofMillis(500)));
        Instant deadline = waiting.deadline(Duration.ofSeconds(1));

        waiting.pauseAfterAttempt(1, IllegalStateException::new);
        assertThat(waiting.passed(deadline)).isFalse();
        waiting.pauseAfterAttempt(2, IllegalStateException::new);

        assertThat(waiting.passed(deadline)).isTrue();
        assertThat(clock.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
        assertThat(waiting.now()).isEqualTo(Instant.parse("2026-03-01T12:00:01Z"));
    }

    @Test
    void anInterruptedPauseEndsWithTheCallersErrorAndKeepsTheThreadInterrupted() {
        Waiting interrupted = Waiting.fixed(2, Duration.ofSeconds(1)).on(new ManualClock(), pause -> {
            throw new InterruptedException();
        });
        try {
            assertThatThrownBy(() -> interrupted.pause(Duration.ofSeconds(1), () -> new UserError("Interrupted while waiting.")))
                    .isInstanceOf(UserError.class).hasMessage("Interrupted while waiting.");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(interrupted.pauseUnlessInterrupted(Duration.ofSeconds(1))).isFalse();
        } finally {
            Thread.interrupted();
        }
    }
}
