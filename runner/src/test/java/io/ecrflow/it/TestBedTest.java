package io.ecrflow.it;

import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Base of the end-to-end tests that share the one test bed of the run; each test gets its own folder. */
abstract class TestBedTest {
    protected static Testbed testbed;

    @TempDir
    protected Path work;

    @BeforeAll
    static void startTestBed() {
        testbed = TestBedFixture.testbed();
    }
}
