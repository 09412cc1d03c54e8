package io.ecrflow.docker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PushResponseItem;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's push stream, line for line as the Engine API sends it, read into what a user sees. */
class PushCallbackTest {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final ImageRef REF = ImageRef.tagged("123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            new RepositoryName("team/web"), Tag.of("v1"));

    private final List<Integer> percents = new ArrayList<>();
    private final List<String> statuses = new ArrayList<>();
    private final PushCallback callback = new PushCallback(REF, new PushProgress() {
        @Override
        public void percent(int percent, String description) {
            percents.add(percent);
        }

        @Override
        public void status(String line) {
            statuses.add(line);
        }
    });

    @Test
    void bytesAcrossLayersBecomeOnePercentageEndingAtTheDigest() throws Exception {
        feed("""
                {"status":"The push refers to repository [123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web]"}
                {"status":"Preparing","progressDetail":{},"id":"aaa"}
                {"status":"Preparing","progressDetail":{},"id":"bbb"}
                {"status":"Layer already exists","progressDetail":{},"id":"bbb"}
                {"status":"Pushing","progressDetail":{"current":250,"total":1000},"progress":"[==>   ]","id":"aaa"}
                {"status":"Pushing","progressDetail":{"current":750,"total":1000},"progress":"[=====>]","id":"aaa"}
                {"status":"Pushed","progressDetail":{},"id":"aaa"}
                {"status":"v1: digest: %s size: 739"}
                {"progressDetail":{},"aux":{"Tag":"v1","Digest":"%s","Size":739}}
                """.formatted(DIGEST, DIGEST));

        assertThat(callback.result()).isEqualTo(Digest.parse(DIGEST));
        assertThat(percents).containsExactly(0, 25, 75, 100);
        assertThat(statuses).contains("bbb: Layer already exists", "aaa: Pushed", "v1: digest: " + DIGEST + " size: 739");
    }

    @Test
    void aRegistryKilledMidPushIsOneRetryLineAndAnErrorSayingItCouldNotBeReached() throws Exception {
        StringBuilder stream = new StringBuilder("""
                {"status":"Preparing","progressDetail":{},"id":"aaa"}
                {"status":"Preparing","progressDetail":{},"id":"bbb"}
                {"status":"Pushing","progressDetail":{"current":250,"total":1000},"progress":"[==>   ]","id":"aaa"}
                """);
        for (int attempt = 5; attempt >= 1; attempt--) {
            for (String layer : List.of("aaa", "bbb")) {
                stream.append("{\"status\":\"Retrying in ").append(attempt).append(" seconds\",\"progressDetail\":{},\"id\":\"")
                        .append(layer).append("\"}\n");
            }
        }
        stream.append("{\"errorDetail\":{\"message\":\"EOF\"},\"error\":\"EOF\"}\n");
        feed(stream.toString());

        assertThat(statuses).filteredOn(line -> line.contains("trying again")).singleElement().asString()
                .contains("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assertThat(statuses).noneMatch(line -> line.contains("Retrying in"));
        assertThatThrownBy(callback::result).isInstanceOf(UserError.class)
                .hasMessageStartingWith("Could not reach the registry at 123456789012.dkr.ecr.eu-west-1.amazonaws.com while pushing")
                .hasMessageContaining("engine said: EOF, after 10 retries of its layer uploads");
    }

    @Test
    void aConnectionThatBrokeOnTheManifestWriteIsAnAnswerLostThatALayerOneIsNot() throws Exception {
        feed("""
                {"status":"Layer already exists","progressDetail":{},"id":"aaa"}
                {"errorDetail":{"message":"Put \\"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/team/web/manifests/v1\\": EOF"},"error":"Put \\"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/team/web/manifests/v1\\": EOF"}
                """);
        PushCallback layerBroke = new PushCallback(REF, new PushProgress() {
            @Override
            public void percent(int percent, String description) {
            }

            @Override
            public void status(String line) {
            }
        });
        layerBroke.onNext(JSON.readValue("{\"errorDetail\":{\"message\":\"Patch \\\"https://123456789012.dkr.ecr.eu-west-1"
                + ".amazonaws.com/v2/team/web/blobs/uploads/1\\\": EOF\"}}", PushResponseItem.class));

        assertThatThrownBy(callback::result).isInstanceOf(ManifestAnswerLost.class)
                .hasMessageStartingWith("Could not reach the registry at 123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assertThatThrownBy(layerBroke::result).isNotInstanceOf(ManifestAnswerLost.class)
                .hasMessageStartingWith("Could not reach the registry at 123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    }

    @Test
    void aServerErrorTheEngineDidNotRetryIsWorthPushingAgain() throws Exception {
        feed("""
                {"status":"Layer already exists","progressDetail":{},"id":"aaa"}
                {"errorDetail":{"message":"received unexpected HTTP status: 503 Service Unavailable"},"error":"received unexpected HTTP status: 503 Service Unavailable"}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(RegistryServerError.class)
                .hasMessageStartingWith("The registry at 123456789012.dkr.ecr.eu-west-1.amazonaws.com failed while the engine pushed")
                .hasMessageContaining("No tag was written")
                .satisfies(error -> assertThat(((RegistryServerError) error).worthPushingAgain()).isTrue());
    }

    @Test
    void aServerErrorOnLayersTheEngineRetriedIsNotPushedAgain() throws Exception {
        feed("""
                {"status":"Retrying in 5 seconds","progressDetail":{},"id":"aaa"}
                {"errorDetail":{"message":"received unexpected HTTP status: 500 Internal Server Error"}}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(RegistryServerError.class)
                .hasMessageContaining("failed while the engine uploaded the layers of")
                .hasMessageContaining("after 1 retries of its layer uploads")
                .satisfies(error -> assertThat(((RegistryServerError) error).worthPushingAgain()).isFalse());
    }

    @Test
    void notImplementedIsNoPassingServerError() throws Exception {
        feed("""
                {"errorDetail":{"message":"received unexpected HTTP status: 501 Not Implemented"}}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(UserError.class).isNotInstanceOf(RegistryServerError.class);
    }

    @Test
    void theDigestIsReadFromTheStatusLineWhenNoAuxRecordComes() throws Exception {
        feed("""
                {"status":"Layer already exists","progressDetail":{},"id":"aaa"}
                {"status":"v1: digest: %s size: 739"}
                """.formatted(DIGEST));

        assertThat(callback.result()).isEqualTo(Digest.parse(DIGEST));
        assertThat(percents).containsExactly(100);
    }

    @Test
    void aDeniedPushNamesTheIamPermissions() throws Exception {
        feed("""
                {"status":"Preparing","progressDetail":{},"id":"aaa"}
                {"errorDetail":{"message":"denied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:123456789012:repository/team/web"},"error":"denied: ..."}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(UserError.class)
                .hasMessageStartingWith("The registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com denied the push of "
                        + REF)
                .hasMessageContaining("ecr:InitiateLayerUpload on resource")
                .hasMessageContaining("Check the credentials")
                .hasMessageContaining("ecr:PutImage");
    }

    @Test
    void missingCredentialsCountAsADeniedPush() throws Exception {
        feed("""
                {"errorDetail":{"message":"no basic auth credentials"},"error":"no basic auth credentials"}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(UserError.class).hasMessageContaining("denied the push");
    }

    @Test
    void aMissingRepositorySaysHowToGetOne() throws Exception {
        feed("""
                {"errorDetail":{"message":"name unknown: The repository with name 'team/web' does not exist in the registry with id '123456789012'"}}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(UserError.class)
                .hasMessageStartingWith("Repository 'team/web' does not exist in 123456789012.dkr.ecr.eu-west-1.amazonaws.com")
                .hasMessageContaining("create-repository")
                .satisfies(error -> assertThat(((UserError) error).input()).contains("repository"));
    }

    @Test
    void anImmutableTagAlreadyInUseAsksForAUniqueTag() throws Exception {
        feed("""
                {"errorDetail":{"message":"tag invalid: The image tag 'v1' already exists in the 'team/web' repository and cannot be overwritten because the repository is immutable."}}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(ImmutableTagTaken.class)
                .hasMessageStartingWith("Tag 'v1' already exists in " + REF.repositoryUri())
                .hasMessageContaining("immutable")
                .hasMessageContaining("unique to each build, such as the build id")
                .satisfies(error -> assertThat(((UserError) error).input()).contains("tags"));
    }

    @Test
    void anyOtherRegistryErrorIsPassedOnWithTheImageName() throws Exception {
        feed("""
                {"errorDetail":{"message":"manifest invalid: manifest invalid"}}
                """);

        assertThatThrownBy(callback::result).isInstanceOf(UserError.class)
                .hasMessage("Pushing " + REF + " failed: manifest invalid: manifest invalid");
    }

    private void feed(String lines) throws Exception {
        for (String line : lines.strip().split("\n")) {
            callback.onNext(JSON.readValue(line, PushResponseItem.class));
        }
    }
}
