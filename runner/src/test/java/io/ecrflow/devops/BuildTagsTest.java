package io.ecrflow.devops;

import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

class BuildTagsTest {

    @Test
    void aRunIsTaggedWithTheImagesTagAndItsDigestsFirstTwelveHexDigits() {
        ImageRef image = ImageRef.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/runtime:6.0-1.4.0");
        Digest digest = Digest.parse("sha256:" + "0123456789abcdef".repeat(4));

        assertThat(BuildTags.tagsFor(image, digest)).containsExactly("6.0-1.4.0", "sha256:0123456789ab");
    }

    @Test
    void aStepWithoutARunToTagIsRefusedNamingTheInput() {
        Environment env = Environment.of(Map.of("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/",
                "SYSTEM_TEAMPROJECT", "Platform Team", "SYSTEM_ACCESSTOKEN", "job-token"));

        assertThatThrownBy(() -> BuildTags.of(mock(Pipeline.class), env)).isInstanceOf(UserError.class)
                .hasMessageContaining("Tagging the run (input 'buildTags') needs Build.BuildId");
    }
}
