package io.ecrflow.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTextTest {

    @Test
    void aLinkIsShownAsTextNotFollowed() {
        String escaped = MarkdownText.escaped("[Approve the release](https://evil.example/)");

        assertThat(escaped).isEqualTo("\\[Approve the release\\]\\(https://evil.example/\\)");
        assertThat(escaped).doesNotContain("](");
    }

    @Test
    void mentionsImagesEmphasisAndCodeAreEscaped() {
        assertThat(MarkdownText.escaped("<at>General</at>")).isEqualTo("\\<at\\>General\\</at\\>");
        assertThat(MarkdownText.escaped("![x](y)")).isEqualTo("\\!\\[x\\]\\(y\\)");
        assertThat(MarkdownText.escaped("**bold** _it_ ~x~ `c` a|b \\")).isEqualTo("\\*\\*bold\\*\\* \\_it\\_ \\~x\\~ \\`c\\` a\\|b \\\\");
    }

    @Test
    void blockMarksAreEscapedAtTheStartOfALineOnly() {
        assertThat(MarkdownText.escaped("# Heading\n> quote\n- item\n12. step\n---\n+ more"))
                .isEqualTo("\\# Heading\n\\> quote\n\\- item\n12\\. step\n\\---\n\\+ more");
        assertThat(MarkdownText.escaped("a # b > c - d 1. e")).isEqualTo("a # b \\> c - d 1. e");
    }

    @Test
    void versionsTagsDigestsAndRepositoriesReadAsBefore() {
        for (String plain : new String[] {"6.0-bullseye-slim-1.4.0", "sha256:" + "c".repeat(64), "team/web", "4711, main, 0a1b2c3d",
                "-rc1", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42"}) {
            assertThat(MarkdownText.escaped(plain)).isEqualTo(plain);
        }
    }
}
