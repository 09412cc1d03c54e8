package io.ecrflow.publish;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.ImageSize;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PublicationSummaryTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final RepositoryName WEB = new RepositoryName("team/web");
    private static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));
    private static final ImageRef FIRST = ImageRef.tagged(REGISTRY, WEB, Tag.of("1234"));

    private static EnsuredRepository repository(TagMutability mutability, boolean created) {
        return new EnsuredRepository(new RepositoryInfo(WEB, REGISTRY + "/team/web", "arn:aws:ecr:eu-west-1:123456789012:"
                + "repository/team/web", "123456789012", mutability,
                Optional.of(new RepositoryInfo.PrivateSettings(true, "AES256", Optional.empty()))), created);
    }

    @Test
    void aPublicationShowsImageDigestTagsSizeAndTheRepositoryItCreated() {
        String markdown = PublicationSummary.markdown(FIRST, List.of(FIRST, FIRST.withTag(Tag.of("latest"))), DIGEST,
                Optional.of(new ImageSize(4_404_019)), repository(TagMutability.MUTABLE, true));

        assertThat(markdown).isEqualTo("### ecrflow: " + REGISTRY + "/team/web\n\n"
                + "| | |\n|---|---|\n"
                + "| Image | `" + REGISTRY + "/team/web:1234` |\n"
                + "| Digest | `" + DIGEST + "` |\n"
                + "| Tags | `1234`, `latest` |\n"
                + "| Size | 4.2 MiB (4404019 bytes, compressed, as the registry stores it) |\n"
                + "| Repository | created: tags mutable, scan on push on, encryption AES256 |\n");
    }

    @Test
    void exclusionFiltersOfAFoundRepositoryShowAsWrittenNotAsEmphasis() {
        TagMutability exclusions = new TagMutability(TagMutability.Mode.IMMUTABLE_WITH_EXCLUSION, List.of("latest", "6.*", "7.*"));

        String markdown = PublicationSummary.markdown(FIRST, List.of(FIRST), DIGEST, Optional.empty(),
                repository(exclusions, false));

        assertThat(markdown).contains("| Repository | found: tags immutable except latest, 6.\\*, 7.\\*, scan on push on, "
                + "encryption AES256 |\n").doesNotContain("| Size |");
    }

    @Test
    void nothingPublishedSaysSo() {
        assertThat(PublicationSummary.markdown(FIRST, List.of(), DIGEST, Optional.empty(),
                repository(TagMutability.MUTABLE, false))).contains("| Tags | none (nothing was published) |");
    }
}
