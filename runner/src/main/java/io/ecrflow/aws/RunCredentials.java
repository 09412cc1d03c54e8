package io.ecrflow.aws;

import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Pipeline;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The AWS credentials of a run, handed to every AWS client. Each time the underlying source hands out
 * credentials (at first use and on every refresh) the secret parts are registered with the CI before
 * anything can print them, and a failing source is reported by its name.
 */
public final class RunCredentials implements AwsCredentialsProvider, AutoCloseable {
    private final String source;
    private final AwsCredentialsProvider provider;
    private final Pipeline pipeline;
    private final List<AutoCloseable> resources;
    private final Set<String> registered;

    /**
     * @param registeredAlready secret values the runner registered before (those it found in the
     *                          environment), so that the CI is not told about them twice
     */
    RunCredentials(String source, AwsCredentialsProvider provider, Pipeline pipeline, List<AutoCloseable> resources,
                   Set<String> registeredAlready) {
        this.source = source;
        this.provider = provider;
        this.pipeline = pipeline;
        this.resources = new ArrayList<>(resources);
        this.registered = new HashSet<>(registeredAlready);
    }

    /** Where the credentials come from, in the words messages use, e.g. "the credentials command `jit`". */
    public String source() {
        return source;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        AwsCredentials credentials;
        try {
            credentials = provider.resolveCredentials();
        } catch (UserError e) {
            throw e;
        } catch (SdkException e) {
            throw AwsErrors.credentialsFailed(source, e);
        } catch (RuntimeException e) {
            throw new UserError("Could not get AWS credentials from " + source + ": " + e.getMessage(), null, e);
        }
        register(credentials);
        return credentials;
    }

    private synchronized void register(AwsCredentials credentials) {
        registerOnce(credentials.secretAccessKey());
        if (credentials instanceof AwsSessionCredentials session) {
            registerOnce(session.sessionToken());
        }
    }

    private void registerOnce(String value) {
        if (registered.add(value)) {
            pipeline.registerSecret(Secret.of(value));
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing at the end of a run; nothing left to do about it
            }
        }
    }

    @Override
    public String toString() {
        return "RunCredentials[" + source + "]";
    }
}
