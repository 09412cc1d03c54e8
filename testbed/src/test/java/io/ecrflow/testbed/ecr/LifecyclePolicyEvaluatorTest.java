package io.ecrflow.testbed.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator.Action;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator.Image;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator.Kind;
import io.ecrflow.testbed.ecr.LifecyclePolicyEvaluator.StorageClass;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against the worked examples of ECR's user guide (lifecycle_policy_examples.html), each with the
 * outcome the guide states, and against the policy keepVersions generates.
 */
class LifecyclePolicyEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static Image image(String name, int daysAgo, String... tags) {
        return standard(name, NOW.minus(Duration.ofDays(daysAgo)), Optional.empty(), tags);
    }

    private static Image pushedMinutesAgo(String name, int minutesAgo, String... tags) {
        return standard(name, NOW.minus(Duration.ofMinutes(minutesAgo)), Optional.empty(), tags);
    }

    private static Image pulled(String name, int pushedDaysAgo, int pulledDaysAgo, String... tags) {
        return standard(name, daysAgo(pushedDaysAgo), Optional.of(daysAgo(pulledDaysAgo)), tags);
    }

    private static Image standard(String name, Instant pushedAt, Optional<Instant> pulledAt, String... tags) {
        return new Image(name, List.of(tags), pushedAt, StorageClass.STANDARD, pulledAt, Optional.empty(),
                Optional.empty());
    }

    private static Image archived(String name, int pushedDaysAgo, int archivedDaysAgo, String... tags) {
        return new Image(name, List.of(tags), daysAgo(pushedDaysAgo), StorageClass.ARCHIVE, Optional.empty(),
                Optional.of(daysAgo(archivedDaysAgo)), Optional.empty());
    }

    /** Archived once, then restored (pushed again), and not pulled since. */
    private static Image restored(String name, int pushedDaysAgo, int restoredDaysAgo, String... tags) {
        return new Image(name, List.of(tags), daysAgo(pushedDaysAgo), StorageClass.STANDARD, Optional.empty(),
                Optional.of(daysAgo(restoredDaysAgo + 1)), Optional.of(daysAgo(restoredDaysAgo)));
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    private static String transition(int priority, String selection) {
        return "{\"rulePriority\":" + priority + ",\"selection\":{" + selection + "},"
                + "\"action\":{\"type\":\"transition\",\"targetStorageClass\":\"archive\"}}";
    }

    private static List<String> acted(String policy, Kind kind, Image... images) {
        return LifecyclePolicyEvaluator.parse(policy).actions(List.of(images), NOW).stream()
                .filter(action -> action.kind() == kind).map(action -> action.image().digest()).toList();
    }

    private static String rule(int priority, String selection) {
        return "{\"rulePriority\":" + priority + ",\"selection\":{" + selection + "},\"action\":{\"type\":\"expire\"}}";
    }

    private static String policy(String... rules) {
        return "{\"rules\":[" + String.join(",", rules) + "]}";
    }

    private static String keep(String patterns, int count) {
        return "\"tagStatus\":\"tagged\",\"tagPatternList\":[" + patterns + "],\"countType\":\"imageCountMoreThan\","
                + "\"countNumber\":" + count;
    }

    private static List<String> expired(String policy, Image... images) {
        return acted(policy, Kind.EXPIRE, images);
    }

    private static final Image BETA1_PROD1 = image("A", 10, "beta-1", "prod-1");
    private static final Image BETA2_PROD2 = image("B", 9, "beta-2", "prod-2");
    private static final Image BETA3 = image("C", 8, "beta-3");

    @Test
    void aLowerRuleCannotExpireWhatAHigherRuleSelectedEvenWhenThatRuleKeptIt() {
        // Filtering on multiple rules, example A: result "Image A is expired".
        assertThat(expired(policy(rule(1, keep("\"prod*\"", 1)), rule(2, keep("\"beta*\"", 1))),
                BETA1_PROD1, BETA2_PROD2, BETA3)).containsExactly("A");
    }

    @Test
    void theRuleWithTheLowestPriorityNumberDecidesFirst() {
        // Filtering on multiple rules, example B: the same rules the other way round expire A and B.
        assertThat(expired(policy(rule(1, keep("\"beta*\"", 1)), rule(2, keep("\"prod*\"", 1))),
                BETA1_PROD1, BETA2_PROD2, BETA3)).containsExactly("A", "B");
    }

    @Test
    void severalPatternsInOneRuleSelectOnlyImagesMatchingEachOfThem() {
        // Filtering on multiple tags in a single rule, example A: only C and F carry both; C is older than 5 days.
        String olderThanFiveDays = "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"alpha*\",\"beta*\"],"
                + "\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":5";
        assertThat(expired(policy(rule(1, olderThanFiveDays)),
                image("A", 12, "alpha-1"), image("B", 11, "beta-1"), image("C", 10, "alpha-2", "beta-2"),
                image("D", 4, "alpha-3"), image("E", 3, "beta-3"), image("F", 2, "alpha-4", "beta-4")))
                .containsExactly("C");
        // example B: tags are not exclusive, every image carries an alpha and a beta tag.
        assertThat(expired(policy(rule(1, keep("\"alpha*\",\"beta*\"", 1))),
                image("A", 10, "alpha-1", "beta-1", "gamma-1"), image("B", 9, "alpha-2", "beta-2"),
                image("C", 8, "alpha-3", "beta-3", "gamma-2"))).containsExactly("A", "B");
    }

    @Test
    void anyRuleCountsEveryImageButExpiresOnlyThoseNoEarlierRuleSelected() {
        // Filtering on all images, example B: result "Images A, B, and D are expired".
        String alpha = keep("\"alpha*\"", 1);
        String untaggedOlderThanADay = "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\","
                + "\"countUnit\":\"days\",\"countNumber\":1";
        String anyKeepOne = "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        assertThat(expired(policy(rule(1, alpha), rule(2, untaggedOlderThanADay), rule(3, anyKeepOne)),
                image("A", 4, "alpha-1", "beta-1"), image("B", 3), image("C", 2, "alpha-2"),
                pushedMinutesAgo("D", 24 * 60 + 1, "git hash"), pushedMinutesAgo("E", 24 * 60)))
                .containsExactlyInAnyOrder("A", "B", "D");
        // example A: one rule for all images keeps the newest only.
        assertThat(expired(policy(rule(1, anyKeepOne)), image("A", 4, "alpha-1"), image("B", 3, "beta-1"),
                image("C", 2), image("D", 1, "alpha-2"))).containsExactly("A", "B", "C");
    }

    @Test
    void prefixesSelectTagsThatStartWithThemAndAWildcardMatchesAnyRunOfCharacters() {
        String prefix = "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\"],\"countType\":\"imageCountMoreThan\","
                + "\"countNumber\":1";
        assertThat(expired(policy(rule(1, prefix)), image("A", 3, "prod"), image("B", 2, "production"),
                image("C", 1, "preprod"))).containsExactly("A");
        assertThat(expired(policy(rule(1, keep("\"web-*.*.*\"", 1))), image("A", 3, "web-1.0.0"),
                image("B", 2, "web-1.1"), image("C", 1, "web-1.2.0"), image("D", 4, "api-1.0.0")))
                .containsExactly("A");
        assertThat(expired(policy(rule(1, keep("\"latest\"", 1)), rule(2, keep("\"*\"", 1))),
                image("A", 3, "latest-1"), image("B", 2, "latest"), image("C", 1, "other")))
                .as("a pattern without a wildcard is the tag itself").containsExactly("A");
    }

    @Test
    void keepVersionsKeepsTheNewestVersionsAndWhatLatestAndTheExtraTagsPointAt() {
        // what platform-image --keep-versions 2 --extra-tags 6.0 generates for prefix net6
        String policy = policy(rule(1, keep("\"latest\"", 1)), rule(2, keep("\"6.0\"", 1)),
                rule(3, keep("\"net6-*.*.*\"", 2)));
        List<Image> images = new ArrayList<>(List.of(
                image("v1", 6, "net6-1.0.0", "6.0"),       // an extra tag moved back to an old version
                image("v2", 5, "net6-1.1.0"),
                image("v3", 4, "net6-1.2.0", "latest"),    // promote moved latest back to it
                image("v4", 3, "net6-1.3.0"),
                image("v5", 2, "net6-1.4.0"),
                image("v6", 1, "net6-1.5.0"),
                image("cache", 7, "buildcache"),           // the registry cache: no rule selects it
                image("child", 6),                         // an untagged manifest: no rule selects it
                image("other", 9, "net7-1.0.0")));         // another family in the same repository
        List<Action> expired = LifecyclePolicyEvaluator.parse(policy).actions(images, NOW);

        assertThat(expired).extracting(e -> e.image().digest()).containsExactly("v2", "v4");
        assertThat(expired).extracting(Action::rulePriority).containsOnly(3);
        assertThat(expired).extracting(Action::kind).containsOnly(Kind.EXPIRE);
    }

    @Test
    void aReTaggedImageKeepsItsFirstPushTimeSoItIsStillTheOldest() {
        // promote moves latest to v1 again: pushedAt is the image's, not the tag's, so v1 stays the oldest version
        String policy = policy(rule(1, keep("\"net6-*.*.*\"", 1)));
        assertThat(expired(policy, image("v1", 5, "net6-1.0.0", "latest"), image("v2", 1, "net6-1.1.0")))
                .containsExactly("v1");
    }

    @Test
    void aTransitionRuleArchivesWhatItPicksAndExpiresNothing() {
        // Archive examples, "Archiving images older than a specified number of days": prod* older than 30 days
        String policy = policy(transition(1, "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"prod*\"],"
                + "\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":30"));
        Image[] images = {image("A", 40, "prod-1"), image("B", 10, "prod-2"), image("C", 50, "beta-1")};
        assertThat(acted(policy, Kind.TRANSITION, images)).containsExactly("A");
        assertThat(acted(policy, Kind.EXPIRE, images)).isEmpty();
    }

    @Test
    void notPulledCountsFromTheLastPullOrElseThePushOrElseTheLastRestore() {
        // Archive examples, "Archiving images not pulled in a specified number of days" (90), with the evaluation
        // rules' fallbacks: never pulled -> pushed_at_time; restored and not pulled since -> last_activated_at
        String policy = policy(transition(1, "\"tagStatus\":\"any\",\"countType\":\"sinceImagePulled\","
                + "\"countUnit\":\"days\",\"countNumber\":90"));
        assertThat(acted(policy, Kind.TRANSITION,
                pulled("pulledLately", 200, 10, "a"),
                image("neverPulled", 200, "b"),
                image("newlyPushed", 20, "c"),
                restored("restoredLately", 300, 30, "d"),
                pulled("pulledLongAgo", 300, 100, "e")))
                .containsExactlyInAnyOrder("neverPulled", "pulledLongAgo");
    }

    @Test
    void archiveThenExpireRulesEachSeeOnlyTheirStorageClass() {
        // Archive examples, "Combining archive and expire rules": archive after 30 days, expire 365 days later
        String policy = policy(
                transition(1, "\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\","
                        + "\"countNumber\":30"),
                rule(2, "\"tagStatus\":\"any\",\"storageClass\":\"archive\",\"countType\":\"sinceImageTransitioned\","
                        + "\"countUnit\":\"days\",\"countNumber\":365"));
        Image[] images = {image("old", 40, "v1"), image("new", 10, "v2"), archived("archivedLongAgo", 800, 400, "v0"),
                archived("archivedLately", 500, 100, "v00")};
        List<Action> actions = LifecyclePolicyEvaluator.parse(policy).actions(List.of(images), NOW);
        assertThat(actions).extracting(a -> a.image().digest() + " " + a.kind() + " " + a.rulePriority())
                .containsExactly("archivedLongAgo EXPIRE 2", "old TRANSITION 1");
    }

    @Test
    void aCountOfStandardImagesDoesNotCountTheArchivedOnes() {
        // keepVersions with retentionAction archive: keep 2, archive older versions; what is archived stays out
        String policy = policy(transition(1, keep("\"net6-*.*.*\"", 2)));
        assertThat(acted(policy, Kind.TRANSITION, archived("v1", 5, 1, "net6-1.0.0"), image("v2", 4, "net6-1.1.0"),
                image("v3", 3, "net6-1.2.0"), image("v4", 2, "net6-1.3.0"))).containsExactly("v2");
    }

    @Test
    void policiesEcrRefusesAreInvalidParameters() {
        String keepOne = keep("\"a*\"", 1);
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, keepOne), rule(1, keep("\"b*\"", 1)))))
                .isInstanceOf(AwsError.class).hasMessageContaining("rulePriority 1");
        String any = "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, any), rule(2, keepOne))))
                .hasMessageContaining("highest rulePriority");
        String pulledNinety = "\"tagStatus\":\"any\",\"countType\":\"sinceImagePulled\",\"countUnit\":\"days\",\"countNumber\":90";
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, pulledNinety))))
                .hasMessageContaining("sinceImagePulled can only be used with the transition action");
        String archivedFor = "\"tagStatus\":\"any\",\"storageClass\":\"archive\",\"countType\":\"sinceImageTransitioned\","
                + "\"countUnit\":\"days\",\"countNumber\":";
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, archivedFor + 89))))
                .hasMessageContaining("at least 90 days");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(transition(1, archivedFor + 90))))
                .hasMessageContaining("only be used with the expire action");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1,
                archivedFor.replace("\"storageClass\":\"archive\",", "") + 90))))
                .hasMessageContaining("storageClass 'archive' goes with countType sinceImageTransitioned");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(
                "{\"rulePriority\":1,\"selection\":{" + keepOne + "},\"action\":{\"type\":\"transition\"}}")))
                .hasMessageContaining("targetStorageClass 'archive'");
        String untagged = "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, untagged), rule(2, untagged))))
                .hasMessageContaining("only one rule of a storage class may have tagStatus untagged");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, keepOne), transition(2, keep("\"a*\"", 3)))))
                .hasMessageContaining("unique set of prefixes");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, keep("\"a*b*c*d*e*\"", 1)))))
                .hasMessageContaining("at most 4 wildcards");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1,
                "\"tagStatus\":\"tagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1"))))
                .hasMessageContaining("tagPatternList");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1, keep("\"a*\"", 0)))))
                .hasMessageContaining("countNumber");
        assertThatThrownBy(() -> LifecyclePolicyEvaluator.parse(policy(rule(1,
                "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countNumber\":3"))))
                .hasMessageContaining("countUnit");
    }
}
