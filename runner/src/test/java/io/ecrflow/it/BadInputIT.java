package io.ecrflow.it;

import io.ecrflow.testbed.registry.RegistryRequest;
import io.ecrflow.testbed.apps.SampleApp;
import io.ecrflow.testbed.Testbed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.ecrflow.it.RunnerProcess.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every input a user can get wrong, through the real runner jar as an Azure Pipelines step: one error issue
 * whose message names the input and says what is wrong, a failed result, a non-zero exit code, no stack trace,
 * no secret in the output, and nothing written to the registry.
 */
class BadInputIT {
    private static final String REPOSITORY = "team/bad-input";

    @TempDir
    static Path work;

    /** One wrong input: the command line, what the message must say, and which input it must name. */
    record BadInput(String name, List<String> args, String says, String input) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void aContextAndSomeBrokenFiles() throws IOException {
        SampleApp.create(work, "bad-input");
        Files.writeString(work.resolve("broken.json"), "{\"rules\": [\n  {\"rulePriority\": 1,,}\n]}");
        Files.writeString(work.resolve("no-rules.json"), "{\"rule\": []}");
        Files.writeString(work.resolve("twice.json"), """
                {"rules": [
                  {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
                  {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}
                ]}""");
        Files.writeString(work.resolve("any-first.json"), """
                {"rules": [
                  {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 9}, "action": {"type": "expire"}},
                  {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 2}, "action": {"type": "expire"}}
                ]}""");
        Files.writeString(work.resolve("tagged.json"), """
                {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 9}, "action": {"type": "expire"}}]}""");
        Files.writeString(work.resolve("platform.Dockerfile"), "FROM scratch\n");
    }

    static Stream<BadInput> buildPush() {
        List<BadInput> cases = new ArrayList<>();
        cases.add(push("no repository", List.of("--repository", " "), "Input 'repository' is required", "repository"));
        cases.add(push("repository with spaces", List.of("--repository", "team web"), "team web", "repository"));
        cases.add(push("repository starting with a dash", List.of("--repository", "-web"), "-web", "repository"));
        cases.add(push("repository as a full image URI", List.of("--repository",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + REPOSITORY), "names the registry too", "repository"));
        cases.add(push("missing context", List.of("--context", "nowhere"), "nowhere", "context"));
        cases.add(push("missing Dockerfile", List.of("--dockerfile", "src/Nope.Dockerfile"), "Nope.Dockerfile", "dockerfile"));
        cases.add(push("tags of only separators", List.of("--tags", " , , "), "holds only commas", "tags"));
        cases.add(push("build argument without a value", List.of("--build-args", "VERSION"), "VERSION", "buildArgs"));
        cases.add(push("label without a key", List.of("--labels", "=x"), "not KEY=value", "labels"));
        cases.add(push("unknown architecture", List.of("--platform", "linux/z80"), "'z80' is not a CPU architecture", "platform"));
        cases.add(push("platform without architecture", List.of("--platform", "junk"), "os/arch", "platform"));
        cases.add(push("unknown operating system", List.of("--platform", "beos/amd64"), "'beos'", "platform"));
        cases.add(push("unknown builder", List.of("--builder", "fast"), "auto, buildkit and engine", "builder"));
        cases.add(push("noCache not a boolean", List.of("--no-cache", "maybe"), "use true or false", "noCache"));
        cases.add(push("pull not a boolean", List.of("--pull", "sometimes"), "use true or false", "pull"));
        cases.add(push("createRepository not a boolean", List.of("--create-repository", "perhaps"), "use true or false", "createRepository"));
        cases.add(push("ociLabels not a boolean", List.of("--oci-labels", "2"), "use true or false", "ociLabels"));
        cases.add(push("scanOnPush not a boolean", List.of("--scan-on-push", "often"), "use true or false", "scanOnPush"));
        cases.add(push("registryCache not a boolean", List.of("--registry-cache", "y"), "use true or false", "registryCache"));
        cases.add(push("unknown tag mutability", List.of("--tag-mutability", "SOMETIMES"), "allowed values", "tagMutability"));
        cases.add(push("unknown encryption", List.of("--encryption", "DES"), "allowed values", "encryption"));
        cases.add(push("KMS key without KMS", List.of("--kms-key", "alias/ecr"), "set encryption to KMS", "kmsKey"));
        cases.add(push("repository tag without a value", List.of("--repository-tags", "team"), "team", "repositoryTags"));
        cases.add(push("lifecycle file missing", List.of("--lifecycle-policy", "policy.json"), "'policy.json' not found", "lifecyclePolicy"));
        cases.add(push("lifecycle file not JSON", List.of("--lifecycle-policy", "broken.json"),
                "file 'broken.json' is not valid JSON at line 2", "lifecyclePolicy"));
        cases.add(push("lifecycle file without rules", List.of("--lifecycle-policy", "no-rules.json"),
                "file 'no-rules.json' is not one ECR accepts: has no \"rules\" array", "lifecyclePolicy"));
        cases.add(push("lifecycle rules sharing a priority", List.of("--lifecycle-policy", "twice.json"),
                "file 'twice.json' is not one ECR accepts: rule 2 (rulePriority 1) has the same rulePriority", "lifecyclePolicy"));
        cases.add(push("lifecycle rule for any image first", List.of("--lifecycle-policy", "any-first.json"),
                "file 'any-first.json' is not one ECR accepts: the rule with tagStatus \"any\"", "lifecyclePolicy"));
        cases.add(push("lifecycle rule for tagged images without tags", List.of("--lifecycle-policy", "tagged.json"),
                "file 'tagged.json' is not one ECR accepts: rule 1 (rulePriority 1) selects tagged images", "lifecyclePolicy"));
        cases.add(push("lifecycle JSON text with rules of the wrong type", List.of("--lifecycle-policy", "{\"rules\": 5}"),
                "the lifecyclePolicy input is not one ECR accepts", "lifecyclePolicy"));
        cases.add(push("region with spaces, with an endpoint set", List.of("--region", "us east 1"),
                "Region 'us east 1' is not an AWS region code", "region"));
        cases.add(push("region misspelt, with an endpoint set", List.of("--region", "eu-wst-1"),
                "'eu-wst-1' is not a known AWS region", "unlistedRegion"));
        cases.add(push("unlistedRegion not a boolean", List.of("--unlisted-region", "new"), "use true or false",
                "unlistedRegion"));
        cases.add(push("registry id too short", List.of("--registry-id", "12345"), "12 digits", "registryId"));
        cases.add(push("endpoint not a URL", List.of("--endpoint", "ecr here"), "ecr here", "endpoint"));
        cases.add(push("role ARN of a user", List.of("--role-arn", "arn:aws:iam::123456789012:user/ci"), "IAM role ARN", "roleArn"));
        cases.add(push("role session too short", List.of("--role-arn", TestBedFixture.ROLE_ARN, "--role-duration", "5m"),
                "900 (15 minutes) to 43200", "roleDuration"));
        cases.add(push("role duration in words", List.of("--role-duration", "forever"), "forever", "roleDuration"));
        cases.add(push("credentials command timeout of zero", List.of("--credentials-command-timeout", "0"),
                "at least one second", "credentialsCommandTimeout"));
        cases.add(push("registry cache with the engine builder", List.of("--registry-cache", "true", "--builder", "engine"),
                "registryCache needs BuildKit", "registryCache"));
        cases.add(push("a tag that is the cache's", List.of("--registry-cache", "true", "--tags", "buildcache"),
                "also the registry cache's tag", "tags"));
        cases.add(push("build timeout in words", List.of("--build-timeout", "soon"), "'soon'", "buildTimeout"));
        cases.add(push("build timeout of zero", List.of("--build-timeout", "0m"), "at least one second", "buildTimeout"));
        cases.add(push("public not a boolean", List.of("--public", "perhaps"), "use true or false", "public"));
        cases.add(push("ECR Public alias with capitals", List.of("--public", "true", "--registry-alias", "Team"),
                "is not an ECR Public alias", "registryAlias"));
        cases.add(push("a local image with inputs of a build", List.of("--image", "web:1"),
                "'context' is an input of a build", "image"));
        cases.add(command("a local image the engine does not have", List.of("build-push", "--repository", REPOSITORY,
                "--tags", "v1", "--image", "ecrflow-it/never-built:1"), "docker image ls", "image"));
        return cases.stream();
    }

    static Stream<BadInput> otherCommands() {
        List<BadInput> cases = new ArrayList<>();
        List<String> platform = List.of("platform-image", "--repository", "platform/runtime", "--context", ".",
                "--dockerfile", "platform.Dockerfile");
        cases.add(command("platform image without repository", List.of("platform-image", "--dockerfile", "platform.Dockerfile"),
                "Input 'repository' is required", "repository"));
        cases.add(command("platform image bump unknown", with(platform, "--bump", "huge"), "huge", "bump"));
        cases.add(command("platform image extra tags of only separators", with(platform, "--extra-tags", " , "),
                "holds only commas", "extraTags"));
        cases.add(command("platform image force update not a boolean", with(platform, "--force-update", "soon"),
                "use true or false", "forceUpdate"));
        cases.add(command("platform image test port not a number", with(platform, "--test-dockerfile", "platform.Dockerfile",
                "--test-port", "http"), "http", "testPort"));
        cases.add(command("platform image test status out of range", with(platform, "--test-dockerfile", "platform.Dockerfile",
                "--test-status", "700"), "700", "testStatus"));
        cases.add(command("platform image test timeout in words", with(platform, "--test-dockerfile", "platform.Dockerfile",
                "--test-timeout", "forever"), "forever", "testTimeout"));
        cases.add(command("platform image build timeout in words", with(platform, "--build-timeout", "an hour"), "an hour",
                "buildTimeout"));
        cases.add(command("platform image platform unknown", with(platform, "--platform", "linux/6502"), "'6502'", "platform"));
        cases.add(command("promote without source", List.of("promote", "--tags", "v1"), "Input 'sourceRepository' is required",
                "sourceRepository"));
        cases.add(command("promote from a source region on the moon", List.of("promote", "--source-repository", REPOSITORY,
                "--source-tag", "v1", "--source-region", "moon-1"), "moon-1", "sourceRegion"));
        cases.add(command("promote with tags of only separators", List.of("promote", "--source-repository", REPOSITORY,
                "--source-tag", "v1", "--tags", ","), "holds only commas", "tags"));
        cases.add(command("login with a short registry id", List.of("login", "--registry-id", "1"), "12 digits", "registryId"));
        return cases.stream();
    }

    @ParameterizedTest(name = "build-push: {0}")
    @MethodSource("buildPush")
    void buildPushRefusesItWithOneClearErrorAndPushesNothing(BadInput bad) throws Exception {
        refusedWithNothingPushed(bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherCommands")
    void everyOtherCommandRefusesItWithOneClearErrorAndPushesNothing(BadInput bad) throws Exception {
        refusedWithNothingPushed(bad);
    }

    private static void refusedWithNothingPushed(BadInput bad) throws Exception {
        Testbed testbed = TestBedFixture.testbed();
        int requestsBefore = testbed.registryRequests().size();
        Map<String, String> env = new LinkedHashMap<>(TestBedFixture.awsEnvironment());
        env.putAll(TestBedFixture.azurePipelineVariables("77", "0123456789abcdef0123456789abcdef01234567"));

        RunResult result = runner(bad.args().toArray(String[]::new)).env(env).in(work).run();

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.errors()).as(result.toString()).hasSize(1);
        String error = result.errors().get(0);
        assertThat(error).as(result.toString())
                .startsWith("##vso[task.logissue type=error;]")
                .contains(bad.says())
                .contains(bad.input())
                .doesNotContain("Unexpected failure");
        assertThat(result.lines()).as(result.toString())
                .anySatisfy(line -> assertThat(line).startsWith("##vso[task.complete result=Failed;]"));
        assertThat(result.all()).as("no stack trace").doesNotContain("\tat io.ecrflow").doesNotContain("Exception:");
        assertThat(result.all().lines().filter(line -> line.contains(TestBedFixture.SECRET_ACCESS_KEY)))
                .as("the secret key is registered, and appears nowhere else").containsExactly("##vso[task.setsecret]"
                        + TestBedFixture.SECRET_ACCESS_KEY);
        List<RegistryRequest> writes = testbed.registryRequests().subList(requestsBefore, testbed.registryRequests().size())
                .stream().filter(request -> !request.method().equals("GET") && !request.method().equals("HEAD")).toList();
        assertThat(writes).as("registry writes").isEmpty();
        assertThat(testbed.tagsOf(REPOSITORY)).isEmpty();
        assertThat(testbed.tagsOf("platform/runtime")).isEmpty();
        assertThat(testbed.repositories()).as("no repository named after a registry host")
                .noneMatch(repository -> repository.name().contains("amazonaws.com"));
    }

    private static BadInput push(String name, List<String> wrong, String says, String input) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--repository", REPOSITORY);
        options.put("--context", "src");
        options.put("--tags", "v1");
        // Each case replaces one of the good options above or adds its own (picocli takes an option once).
        for (int i = 0; i < wrong.size(); i += 2) {
            options.put(wrong.get(i), wrong.get(i + 1));
        }
        List<String> args = new ArrayList<>(List.of("build-push"));
        options.forEach((option, value) -> {
            args.add(option);
            args.add(value);
        });
        return new BadInput(name, args, says, input);
    }

    private static BadInput command(String name, List<String> args, String says, String input) {
        return new BadInput(name, args, says, input);
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        return args;
    }
}
