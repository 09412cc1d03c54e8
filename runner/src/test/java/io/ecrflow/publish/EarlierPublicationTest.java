package io.ecrflow.publish;

import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageLabels;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EarlierPublicationTest {
    private static final Digest EARLIER = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest CONFIG = Digest.parse("sha256:" + "c".repeat(64));
    private static final RunIdentity RUN = new RunIdentity("0123456789abcdef", "4711");

    @Test
    void noTagTakenMeansAFreshPublication() {
        assertThat(EarlierPublication.assess("team/web", Map.of(), Optional.of(RUN), Optional.empty()).resumes()).isFalse();
    }

    @Test
    void tagsThisRunPublishedBeforeAreResumedOnTheirDigest() {
        EarlierPublication earlier = EarlierPublication.assess("team/web",
                Map.of(Tag.of("4711"), new ImageLabels(EARLIER, CONFIG, RUN.labels())), Optional.of(RUN), Optional.empty());

        assertThat(earlier.resumes()).isTrue();
        assertThat(earlier.digest()).contains(EARLIER);
        assertThat(earlier.taken()).containsExactly(Tag.of("4711"));
    }

    @Test
    void aTagHoldingAnotherCommitIsRefusedNamingIt() {
        Map<Tag, ImageLabels> taken = new LinkedHashMap<>();
        taken.put(Tag.of("4711"), new ImageLabels(EARLIER, CONFIG, RUN.labels()));
        taken.put(Tag.of("main"), new ImageLabels(EARLIER, CONFIG, new RunIdentity("fedcba9876543210", "4711").labels()));

        assertThatThrownBy(() -> EarlierPublication.assess("team/web", taken, Optional.of(RUN), Optional.empty()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("already holds 'main' with an image of another run")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("tags"));
    }

    @Test
    void withoutARunIdentityNoTakenTagCanBeClaimed() {
        assertThatThrownBy(() -> EarlierPublication.assess("team/web",
                Map.of(Tag.of("latest"), new ImageLabels(EARLIER, CONFIG, RUN.labels())), Optional.empty(), Optional.empty()))
                .isInstanceOf(UserError.class).hasMessageContaining("an immutable tag cannot be moved");
    }

    @Test
    void anImageAnEarlierStepBuiltIsTheRunsOwnWhenTheTagsHoldThatVeryImage() {
        Map<Tag, ImageLabels> taken = Map.of(Tag.of("4711"), new ImageLabels(EARLIER, CONFIG, Map.of()));

        EarlierPublication earlier = EarlierPublication.assess("team/web", taken, Optional.of(RUN),
                Optional.of(CONFIG.toString()));

        assertThat(earlier.resumes()).isTrue();
        assertThat(earlier.digest()).contains(EARLIER);
    }

    @Test
    void anotherImageUnderATagIsRefusedForAnImageAnEarlierStepBuiltSayingItIsNotTheLocalOne() {
        Map<Tag, ImageLabels> taken = Map.of(Tag.of("4711"), new ImageLabels(EARLIER, CONFIG, Map.of()));
        String rebuilt = "sha256:" + "d".repeat(64);

        assertThatThrownBy(() -> EarlierPublication.assess("team/web", taken, Optional.of(RUN), Optional.of(rebuilt)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("already holds '4711' with another image than the local one (" + rebuilt + ")")
                .hasMessageContaining("an immutable tag cannot be moved");
    }

    @Test
    void aRunIdentityComesFromTheCiVariables() {
        Map<String, String> azure = Map.of("Build.SourceVersion", "0123456789abcdef", "Build.BuildId", "4711");
        Map<String, String> github = Map.of("GITHUB_SHA", "0123456789abcdef", "GITHUB_RUN_ID", "99");

        assertThat(RunIdentity.of(name -> Optional.ofNullable(azure.get(name)))).contains(RUN);
        assertThat(RunIdentity.of(name -> Optional.ofNullable(github.get(name))))
                .contains(new RunIdentity("0123456789abcdef", "99"));
        assertThat(RunIdentity.of(name -> Optional.empty())).isEmpty();
    }
}
