package io.ecrflow.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {

    @Test
    void parsesOnlyThreeNumbersWithoutLeadingZeros() {
        assertThat(Version.parse("1.4.0")).contains(new Version(1, 4, 0));
        assertThat(Version.parse("1.4")).isEmpty();
        assertThat(Version.parse("v1.4.0")).isEmpty();
        assertThat(Version.parse("01.4.0")).isEmpty();
        assertThat(Version.parse("1.4.0-rc1")).isEmpty();
    }

    @Test
    void ordersNumericallyNotAsText() {
        assertThat(new Version(1, 10, 0)).isGreaterThan(new Version(1, 9, 0));
        assertThat(new Version(2, 0, 0)).isGreaterThan(new Version(1, 99, 99));
        assertThat(new Version(1, 2, 10)).isGreaterThan(new Version(1, 2, 9));
    }

    @Test
    void bumpingMajorOrMinorResetsTheNumbersAfterIt() {
        Version current = new Version(1, 4, 2);
        assertThat(current.bump(Version.Part.MAJOR)).hasToString("2.0.0");
        assertThat(current.bump(Version.Part.MINOR)).hasToString("1.5.0");
        assertThat(current.bump(Version.Part.PATCH)).hasToString("1.4.3");
    }
}
