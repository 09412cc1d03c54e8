package io.ecrflow.aws;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A lifecycle policy is checked the way ECR checks it, and every complaint names where the policy came from. */
class LifecyclePolicyTest {
    private static final String KEEP_TEN = """
            {"rules": [
              {"rulePriority": 1, "description": "expire untagged after 14 days",
               "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
               "action": {"type": "expire"}},
              {"rulePriority": 2,
               "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan", "countNumber": 10},
               "action": {"type": "expire"}},
              {"rulePriority": 10,
               "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 100},
               "action": {"type": "expire"}}
            ]}""";

    @Test
    void aValidPolicyIsSentExactlyAsWritten() {
        assertThat(LifecyclePolicy.parse(KEEP_TEN, "file 'policy.json'").text()).isEqualTo(KEEP_TEN);
    }

    @Test
    void aByteOrderMarkIsNotPartOfThePolicy() {
        assertThat(LifecyclePolicy.parse("\uFEFF" + KEEP_TEN, "file 'policy.json'").text()).isEqualTo(KEEP_TEN);
    }

    @Test
    void brokenJsonSaysWhereWithoutParserInternals() {
        assertThatThrownBy(() -> LifecyclePolicy.parse("{\"rules\": [\n  {\"rulePriority\": 1,,}\n]}", "file 'policy.json'"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("The lifecycle policy in file 'policy.json' is not valid JSON at line 2, column")
                .hasMessageNotContaining("Source:")
                .satisfies(e -> assertThat(((UserError) e).input()).hasValue("lifecyclePolicy"));
    }

    /** The user guide's examples (lifecycle_policy_examples.html), archive ones included, are all accepted. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            archive by age          | {"rules": [{"rulePriority": 1, "description": "Archive production images older than 30 days", "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition", "targetStorageClass": "archive"}}]}
            archive by last pull    | {"rules": [{"rulePriority": 1, "description": "Archive images not pulled in 90 days", "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90}, "action": {"type": "transition", "targetStorageClass": "archive"}}]}
            expire the archived     | {"rules": [{"rulePriority": 1, "description": "Expire images archived for more than 365 days", "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}, "action": {"type": "expire"}}]}
            archive, then expire    | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition", "targetStorageClass": "archive"}}, {"rulePriority": 2, "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}, "action": {"type": "expire"}}]}
            standard said out loud  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "storageClass": "standard", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
            every rule type         | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["alpha*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}, {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}}, {"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
            same tags, two classes  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "transition", "targetStorageClass": "archive"}}, {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}, "action": {"type": "expire"}}]}
            """)
    void everyPolicyOfTheUserGuideIsAccepted(String name, String json) {
        assertThat(LifecyclePolicy.parse(json, "file 'policy.json'").text()).isEqualTo(json);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no rules            | {"rulePolicy": []}                                                                      | has no "rules" array
            empty rules         | {"rules": []}                                                                           | has no "rules" array
            not an object       | ["rules"]                                                                               | is not a JSON object
            no priority         | {"rules": [{"selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]} | rule 1 needs "rulePriority"
            priority zero       | {"rules": [{"rulePriority": 0, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]} | rule 1 needs "rulePriority"
            same priority       | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}, {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}]} | rule 2 (rulePriority 1) has the same rulePriority as rule 1
            no selection        | {"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]}                          | rule 1 (rulePriority 1) has no "selection" object
            bad tag status      | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "old", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]} | needs selection.tagStatus
            tagged no prefixes  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]} | not neither
            untagged prefixes   | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "tagPrefixList": ["v"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]} | takes no tagPrefixList
            bad count type      | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "olderThan", "countNumber": 1}, "action": {"type": "expire"}}]} | needs selection.countType
            no count number     | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan"}, "action": {"type": "expire"}}]} | needs selection.countNumber
            days without unit   | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 3}, "action": {"type": "expire"}}]} | needs "countUnit": "days"
            unit on a count     | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countUnit": "days", "countNumber": 3}, "action": {"type": "expire"}}]} | takes no countUnit
            no action           | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 3}}]} | needs "action": {"type": "expire"}
            expire by pull      | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90}, "action": {"type": "expire"}}]} | counts sinceImagePulled, which can only archive
            pull without unit   | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countNumber": 90}, "action": {"type": "transition", "targetStorageClass": "archive"}}]} | counts sinceImagePulled, which needs "countUnit": "days"
            transition nowhere  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition"}}]} | needs "targetStorageClass": "archive"
            transition to cold  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition", "targetStorageClass": "glacier"}}]} | needs "targetStorageClass": "archive"
            bad action type     | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "archive"}}]} | needs "action": {"type": "expire"} or {"type": "transition", "targetStorageClass": "archive"}
            archive class only  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}, "action": {"type": "expire"}}]} | add "storageClass": "archive"
            archive by count    | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}]} | which only countType "sinceImageTransitioned" counts
            unknown class       | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "storageClass": "cold", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}]} | needs selection.storageClass "standard" (the default) or "archive"
            re-archive          | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}, "action": {"type": "transition", "targetStorageClass": "archive"}}]} | counts sinceImageTransitioned, which can only expire
            archive too short   | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 30}, "action": {"type": "expire"}}]} | use a countNumber of 90 or more
            five wildcards      | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["a*b*c*d*e*"], "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}]} | more than 4 wildcards
            two untagged rules  | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}, {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3}, "action": {"type": "expire"}}]} | rule 2 (rulePriority 2) selects untagged standard images, as rule 1 (rulePriority 1) does
            same tags twice     | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v", "prod"], "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}, {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPrefixList": ["prod", "v"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3}, "action": {"type": "transition", "targetStorageClass": "archive"}}]} | rule 2 (rulePriority 2) selects the same tags as rule 1
            any not last        | {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}, {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}]} | tagStatus "any" (rulePriority 1) must have the highest
            """)
    void aPolicyECRWouldRefuseIsRefusedNamingTheFileAndTheRule(String name, String json, String problem) {
        assertThatThrownBy(() -> LifecyclePolicy.parse(json, "file 'policy.json'"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("The lifecycle policy in file 'policy.json' is not")
                .hasMessageContaining(problem);
    }
}
