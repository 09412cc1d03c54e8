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

    /**
     * Whether this run of the tests is on the current engine (Debian 13's Docker Engine with containerd's image
     * store and buildx; failsafe's {@code current-engine} execution) rather than the classic one.
     */
    protected static boolean onCurrentEngine() {
        if (!"current".equals(System.getProperty("ecrflow.engine"))) {
            return false;
        }
        String host = System.getenv("DOCKER_HOST");
        if (host == null || !host.startsWith("unix://")) {
            throw new IllegalStateException("The current-engine tests need the engine scripts/lib/current-engine.sh "
                    + "starts (ecrflow_current_engine exports ECRFLOW_CURRENT_DOCKER_HOST); DOCKER_HOST is " + host
                    + ". Run scripts/test.sh, or -Decrflow.classicOnly=true for the classic engine alone.");
        }
        return true;
    }
}
