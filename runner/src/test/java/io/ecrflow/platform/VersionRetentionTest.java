package io.ecrflow.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.UserError;
import io.ecrflow.aws.LifecyclePolicy;
import io.ecrflow.registry.RepositoryName;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

class VersionRetentionTest {
    private static final VersionTags NET6 = VersionTags.withPrefix("6.0-bullseye-slim");
    private static final RepositoryName RUNTIME = new RepositoryName("platform/runtime");

    private static List<Tag> tags(String... values) {
        return java.util.Arrays.stream(values).map(Tag::of).toList();
    }

    private static JsonNode rules(VersionRetention retention) throws Exception {
        return new ObjectMapper().readTree(retention.policyText()).path("rules");
    }

    @Test
    void eachMovingTagIsProtectedFirstAndTheVersionRuleComesLast() throws Exception {
        VersionRetention retention = new VersionRetention(NET6, 5, tags("latest", "6.0", "buildcache"), OldVersions.EXPIRE);

        JsonNode rules = rules(retention);

        assertThat(rules).hasSize(4);
        List<String> protectedInOrder = List.of("6.0", "buildcache", "latest");
        for (int i = 0; i < 3; i++) {
            JsonNode selection = rules.get(i).path("selection");
            assertThat(rules.get(i).path("rulePriority").intValue()).isEqualTo(i + 1);
            assertThat(selection.path("tagPatternList").toString()).isEqualTo("[\"" + protectedInOrder.get(i) + "\"]");
            assertThat(selection.path("countType").asText()).isEqualTo("imageCountMoreThan");
            assertThat(selection.path("countNumber").intValue()).as("a tag names one image: nothing is over 1").isEqualTo(1);
            assertThat(rules.get(i).path("description").asText()).endsWith("(for 6.0-bullseye-slim-*.*.*)");
        }
        JsonNode versions = rules.get(3);
        assertThat(versions.path("rulePriority").intValue()).isEqualTo(4);
        assertThat(versions.path("selection").path("tagStatus").asText()).isEqualTo("tagged");
        assertThat(versions.path("selection").path("tagPatternList").toString()).isEqualTo("[\"6.0-bullseye-slim-*.*.*\"]");
        assertThat(versions.path("selection").path("countNumber").intValue()).isEqualTo(5);
        assertThat(versions.path("description").asText()).contains("keep the newest 5 6.0-bullseye-slim-*.*.* versions");
        assertThat(retention.policyText()).doesNotContain("untagged").doesNotContain("\"any\"");
    }

    @Test
    void prefixesSharingARepositoryKeepEachOthersRulesAndWriteTheSamePolicy() throws Exception {
        VersionRetention net6 = new VersionRetention(NET6, 5, tags("latest", "6.0"), OldVersions.EXPIRE);
        VersionRetention net7 = new VersionRetention(VersionTags.withPrefix("7.0-bullseye-slim"), 3, tags("latest", "7.0"), OldVersions.EXPIRE);

        String afterNet6 = net6.policyWith(Optional.empty());
        String afterNet7 = net7.policyWith(Optional.of(afterNet6));

        assertThat(net6.policyWith(Optional.of(afterNet7))).as("a second net6 run changes nothing").isEqualTo(afterNet7);
        JsonNode rules = new ObjectMapper().readTree(afterNet7).path("rules");
        assertThat(rules).extracting(rule -> rule.path("selection").path("tagPatternList").get(0).asText())
                .containsExactly("6.0", "7.0", "latest", "6.0-bullseye-slim-*.*.*", "7.0-bullseye-slim-*.*.*");
        assertThat(rules.get(2).path("description").asText())
                .endsWith("(for 6.0-bullseye-slim-*.*.*, 7.0-bullseye-slim-*.*.*)");
        assertThat(rules.get(4).path("selection").path("countNumber").intValue()).isEqualTo(3);
    }

    @Test
    void aPrefixsOwnRulesFollowItsSettingsAndHandWrittenRulesAreDropped() throws Exception {
        String before = new VersionRetention(NET6, 5, tags("latest", "6.0"), OldVersions.EXPIRE).policyWith(Optional.empty());
        String handWritten = new ObjectMapper().readTree(before).deepCopy().toString()
                .replace("\"rules\":[", "\"rules\":[{\"rulePriority\":99,\"description\":\"mine\",\"selection\":"
                        + "{\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1},"
                        + "\"action\":{\"type\":\"expire\"}},");

        String after = new VersionRetention(NET6, 2, tags("latest", "6"), OldVersions.EXPIRE).policyWith(Optional.of(handWritten));

        JsonNode rules = new ObjectMapper().readTree(after).path("rules");
        assertThat(rules).extracting(rule -> rule.path("selection").path("tagPatternList").path(0).asText())
                .containsExactly("6", "latest", "6.0-bullseye-slim-*.*.*");
        assertThat(rules.get(2).path("selection").path("countNumber").intValue()).isEqualTo(2);
    }

    @Test
    void theGeneratedPolicyIsOneEcrAccepts() {
        String text = new VersionRetention(VersionTags.withPrefix(""), 3, tags("latest"), OldVersions.EXPIRE).policyText();

        assertThatCode(() -> LifecyclePolicy.parse(text, "the generated policy")).doesNotThrowAnyException();
        assertThat(text).contains("\"*.*.*\"").contains("\n");
    }

    @Test
    void thePatternMatchesWhatEcrsWildcardsMatch() {
        VersionRetention retention = new VersionRetention(NET6, 5, List.of(), OldVersions.EXPIRE);

        assertThat(retention.matchesPattern(Tag.of("6.0-bullseye-slim-1.4.0"))).isTrue();
        assertThat(retention.matchesPattern(Tag.of("6.0-bullseye-slim-lts-1.0.0"))).isTrue();
        assertThat(retention.matchesPattern(Tag.of("6.0-bullseye-slim-1.4"))).isFalse();
        assertThat(retention.matchesPattern(Tag.of("6.0"))).isFalse();
        assertThat(retention.matchesPattern(Tag.of("7.0-bullseye-slim-1.0.0"))).isFalse();
        assertThat(new VersionRetention(VersionTags.withPrefix(""), 5, List.of(), OldVersions.EXPIRE).matchesPattern(Tag.of("6.0-bullseye-slim-1.0.0")))
                .as("without a prefix, *.*.* matches any tag with two dots").isTrue();
    }

    @Test
    void tagsOfAnotherFamilyThatThePatternWouldCountAreRefused() {
        VersionRetention retention = new VersionRetention(VersionTags.withPrefix("6.0"), 5, tags("latest", "6.0-lts.x.y"), OldVersions.EXPIRE);

        assertThatCode(() -> retention.refuseForeignTags(RUNTIME,
                tags("6.0-1.0.0", "6.0-1.1.0", "latest", "6.0-lts.x.y", "7.0-1.0.0", "buildcache")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> retention.refuseForeignTags(RUNTIME, tags("6.0-1.0.0", "6.0-bullseye-slim-1.0.0")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("6.0-bullseye-slim-1.0.0")
                .hasMessageContaining("6.0-*.*.*")
                .hasMessageContaining("repository of its own")
                .satisfies(e -> assertThat(((UserError) e).input()).hasValue("keepVersions"));
    }

    @Test
    void archiveMovesOlderVersionsToTheArchiveAndArchiveDaysExpiresThemFromThere() throws Exception {
        VersionRetention retention = new VersionRetention(NET6, 5, tags("latest"),
                new OldVersions(OldVersions.Action.ARCHIVE, Optional.of(180)));

        JsonNode rules = rules(retention);

        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).path("action").path("type").asText()).as("a protecting rule acts on nothing").isEqualTo("expire");
        JsonNode versions = rules.get(1);
        assertThat(versions.path("action").toString()).isEqualTo("{\"type\":\"transition\",\"targetStorageClass\":\"archive\"}");
        assertThat(versions.path("description").asText()).endsWith("versions, archive older ones");
        JsonNode archived = rules.get(2);
        assertThat(archived.path("rulePriority").intValue()).isEqualTo(3);
        assertThat(archived.path("selection").path("storageClass").asText()).isEqualTo("archive");
        assertThat(archived.path("selection").path("countType").asText()).isEqualTo("sinceImageTransitioned");
        assertThat(archived.path("selection").path("countUnit").asText()).isEqualTo("days");
        assertThat(archived.path("selection").path("countNumber").intValue()).isEqualTo(180);
        assertThat(archived.path("selection").path("tagPatternList").toString()).isEqualTo("[\"6.0-bullseye-slim-*.*.*\"]");
        assertThat(archived.path("action").path("type").asText()).isEqualTo("expire");
        assertThatCode(() -> LifecyclePolicy.parse(retention.policyText(), "keepVersions")).as("ECR accepts it")
                .doesNotThrowAnyException();
        assertThat(rules(new VersionRetention(NET6, 5, tags("latest"),
                new OldVersions(OldVersions.Action.ARCHIVE, Optional.empty())))).as("without archiveDays they stay").hasSize(2);
    }

    @Test
    void anotherPrefixsArchiveRulesAreReadBackAndKept() throws Exception {
        VersionRetention net7 = new VersionRetention(VersionTags.withPrefix("7.0-bullseye-slim"), 3, tags("latest"),
                new OldVersions(OldVersions.Action.ARCHIVE, Optional.of(365)));
        VersionRetention net6 = new VersionRetention(NET6, 5, tags("latest"), OldVersions.EXPIRE);

        String both = net6.policyWith(Optional.of(net7.policyText()));

        assertThat(both).isEqualTo(net7.policyWith(Optional.of(both)));
        assertThat(both).contains("keep the newest 3 7.0-bullseye-slim-*.*.* versions, archive older ones")
                .contains("expire archived 7.0-bullseye-slim-*.*.* versions 365 days after they were archived")
                .contains("keep the newest 5 6.0-bullseye-slim-*.*.* versions\"");
        assertThatCode(() -> LifecyclePolicy.parse(both, "keepVersions")).doesNotThrowAnyException();
    }

    @Test
    void moreMovingTagsThanEcrHasRulesForAreAnError() {
        List<Tag> many = new ArrayList<>();
        IntStream.range(0, VersionRetention.MAX_RULES).forEach(i -> many.add(Tag.of("extra" + i)));

        assertThatThrownBy(() -> new VersionRetention(NET6, 5, many, OldVersions.EXPIRE).policyText()).isInstanceOf(UserError.class)
                .hasMessageContaining("at most 50 rules");
        assertThatCode(() -> new VersionRetention(NET6, 5, many.subList(0, VersionRetention.MAX_RULES - 1), OldVersions.EXPIRE).policyText())
                .doesNotThrowAnyException();
    }

    @Test
    void withoutKeepVersionsThereIsNoPolicyAndArchiveSettingsAreRefused() {
        assertThat(VersionRetention.of(Optional.empty(), OldVersions.Action.EXPIRE, Optional.empty(), false, NET6,
                List.of())).isEmpty();
        assertThatThrownBy(() -> VersionRetention.of(Optional.empty(), OldVersions.Action.ARCHIVE, Optional.empty(), false,
                NET6, List.of())).isInstanceOf(UserError.class).hasMessageContaining("retentionAction archive applies");
        assertThatThrownBy(() -> VersionRetention.of(Optional.empty(), OldVersions.Action.ARCHIVE, Optional.of(120), false,
                NET6, List.of())).isInstanceOf(UserError.class).hasMessageContaining("archiveDays applies");
    }

    @Test
    void keepVersionsBesideALifecyclePolicyOfTheUsersIsRefused() {
        assertThatThrownBy(() -> VersionRetention.of(Optional.of(5), OldVersions.Action.EXPIRE, Optional.empty(), true,
                NET6, List.of())).isInstanceOf(UserError.class)
                .hasMessageContaining("keepVersions and lifecyclePolicy both set the repository's lifecycle policy");
        assertThat(VersionRetention.of(Optional.of(5), OldVersions.Action.EXPIRE, Optional.empty(), false, NET6,
                List.of(Tag.of("latest")))).hasValueSatisfying(retention -> {
                    assertThat(retention.keep()).isEqualTo(5);
                    assertThat(retention.protectedTags()).containsExactly(Tag.of("latest"));
                });
    }
}
