package io.ecrflow.testbed;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.ecr.EcrClient;

/** A test bed and an ECR client of its account, started before a test class's first test and closed after its last. */
public final class EcrTestbed implements BeforeAllCallback, AfterAllCallback {
    private final TestbedConfig config;
    private Testbed testbed;
    private EcrClient ecr;

    private EcrTestbed(TestbedConfig config) {
        this.config = config;
    }

    /** The account of {@link AwsClients#config()}. */
    public static EcrTestbed standard() {
        return with(AwsClients.config());
    }

    public static EcrTestbed with(TestbedConfig config) {
        return new EcrTestbed(config);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        testbed = Testbed.start(config);
        ecr = AwsClients.ecr(testbed);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ecr.close();
        testbed.close();
    }

    public Testbed testbed() {
        return testbed;
    }

    public EcrClient ecr() {
        return ecr;
    }
}
