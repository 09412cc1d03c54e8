package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.buildpush.BuildPushOptions;
import io.ecrflow.buildpush.ImageSource;
import io.ecrflow.publish.BuildSettings;
import io.ecrflow.pipeline.Environment;
import io.ecrflow.pipeline.InputDefaults;
import io.ecrflow.pipeline.PlainPipeline;
import io.ecrflow.registry.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code build-push}'s registry cache inputs, parsed before any AWS or Docker call. */
class BuildPushCommandTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

    @TempDir
    Path work;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void aDockerfile() throws Exception {
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("src/Dockerfile"), "FROM scratch\n");
    }

    private BuildPushOptions parse(String... args) {
        BuildPushCommand command = new BuildPushCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(new InputDefaults(Environment.of(env)));
        commandLine.parseArgs(args);
        Environment environment = Environment.of(env);
        return command.options(new RunContext(new PlainPipeline(environment, System.out, System.err), environment, work));
    }

    private BuildPushOptions parseWithTags(String tags, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "--repository";
        args[1] = "team/web";
        args[2] = "--context=src";
        args[3] = "--tags=" + tags;
        System.arraycopy(more, 0, args, 4, more.length);
        return parse(args);
    }

    /** What the options build, when they build. */
    private static BuildSettings built(BuildPushOptions options) {
        assertThat(options.source()).isInstanceOf(ImageSource.Dockerfile.class);
        return ((ImageSource.Dockerfile) options.source()).build();
    }

    @Test
    void theRegistryCacheIsOffByDefaultAndThenNamesNoReference() {
        BuildPushOptions options = parseWithTags("1");

        assertThat(built(options).registryCache()).isFalse();
        assertThat(built(options).registryCacheIn(REGISTRY)).isEmpty();
    }

    @Test
    void turnedOnTheCacheLivesUnderTagBuildcacheOfThePushedRepository() {
        BuildPushOptions options = parseWithTags("1,latest", "--registry-cache", "true");

        assertThat(built(options).registryCache()).isTrue();
        assertThat(built(options).cacheRef().repository().value()).isEqualTo("team/web");
        assertThat(built(options).cacheRef().tag()).isEqualTo(Tag.of("buildcache"));
        assertThat(built(options).registryCacheIn(REGISTRY)).hasValueSatisfying(
                ref -> assertThat(ref.toString()).isEqualTo(REGISTRY + "/team/web:buildcache"));
        assertThat(options.tags().inPublishOrder()).extracting(Tag::value).containsExactly("1", "latest");
    }

    @Test
    void aBareFlagTurnsTheCacheOn() {
        assertThat(built(parseWithTags("1", "--registry-cache")).registryCache()).isTrue();
    }

    @Test
    void theTaskInputsArriveAsEnvironmentVariables() {
        env.put("INPUT_REGISTRYCACHE", "true");
        env.put("INPUT_CACHEREF", "cache-main");

        BuildPushOptions options = parseWithTags("1");

        assertThat(built(options).registryCacheIn(REGISTRY)).hasValueSatisfying(
                ref -> assertThat(ref.toString()).isEqualTo(REGISTRY + "/team/web:cache-main"));
    }

    @Test
    void theCacheMayLiveInAnotherRepositoryOfTheSameRegistry() {
        BuildPushOptions options = parseWithTags("1", "--registry-cache=true", "--cache-ref", "team/build-cache:web");

        assertThat(built(options).registryCacheIn(REGISTRY)).hasValueSatisfying(
                ref -> assertThat(ref.toString()).isEqualTo(REGISTRY + "/team/build-cache:web"));
    }

    @Test
    void aUserTagThatIsTheCacheTagIsRefusedNamingBoth() {
        assertThatThrownBy(() -> parseWithTags("1,buildcache", "--registry-cache", "true"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("'buildcache'")
                .hasMessageContaining("cacheRef")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("tags"));
        assertThatThrownBy(() -> parseWithTags("1,web-cache", "--registry-cache", "true", "--cache-ref", "web-cache"))
                .isInstanceOf(UserError.class).hasMessageContaining("'web-cache'");
    }

    @Test
    void theCacheTagIsFreeForTheUserWhenTheCacheIsOffOrInAnotherRepository() {
        assertThat(parseWithTags("buildcache").tags().inPublishOrder()).extracting(Tag::value).containsExactly("buildcache");
        assertThat(parseWithTags("buildcache", "--registry-cache", "true", "--cache-ref", "team/cache:buildcache")
                .tags().inPublishOrder()).extracting(Tag::value).containsExactly("buildcache");
    }

    @Test
    void theEngineBuilderWithARegistryCacheIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> parseWithTags("1", "--registry-cache", "true", "--builder", "engine"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("needs BuildKit")
                .hasMessageContaining("auto or buildkit");
        assertThat(built(parseWithTags("1", "--builder", "engine")).registryCache()).isFalse();
    }

    @Test
    void aCacheReferenceInAnotherRegistryIsRefused() {
        assertThatThrownBy(() -> parseWithTags("1", "--registry-cache", "true",
                "--cache-ref", "ghcr.io/team/web:buildcache"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("ghcr.io")
                .hasMessageContaining("repository:tag");
    }

    @Test
    void anInvalidCacheTagIsRefused() {
        assertThatThrownBy(() -> parseWithTags("1", "--registry-cache", "true", "--cache-ref", "team/web:-bad"))
                .isInstanceOf(UserError.class).hasMessageContaining("'-bad' is not a valid tag");
        assertThatThrownBy(() -> parseWithTags("1", "--registry-cache", "true", "--cache-ref", ".cache"))
                .isInstanceOf(UserError.class).hasMessageContaining("not a valid tag");
    }

    @Test
    void aWrongBooleanNamesTheInput() {
        assertThatThrownBy(() -> parseWithTags("1", "--registry-cache", "sometimes"))
                .isInstanceOf(UserError.class).hasMessageContaining("registryCache");
    }

    @Test
    void anImageBuiltEarlierIsPushedAsItIsWithTheSameTagPlan() {
        BuildPushOptions options = parse("--repository", "team/web", "--image", "web:42", "--tags", "42,latest",
                "--remove-local-image", "true");

        assertThat(options.source()).isEqualTo(new ImageSource.LocalImage("web:42"));
        assertThat(options.tags().inPublishOrder()).extracting(Tag::value).containsExactly("42", "latest");
        assertThat(options.tags().moving()).containsExactly(Tag.of("latest"));
        assertThat(options.removeLocalImage()).isTrue();
    }

    @Test
    void theInputsTheAgentAlwaysPassesAtTheirDefaultsDoNotStandInTheWayOfAnImageBuiltEarlier() {
        env.putAll(Map.of("INPUT_BUILDER", "auto", "INPUT_BUILDTIMEOUT", "60m", "INPUT_NOCACHE", "false",
                "INPUT_PULL", "false", "INPUT_REGISTRYCACHE", "false", "INPUT_OCILABELS", "true", "INPUT_DOCKERFILE", ""));

        assertThat(parse("--repository", "team/web", "--image", "web:42").source())
                .isEqualTo(new ImageSource.LocalImage("web:42"));
    }

    @Test
    void anImageBuiltEarlierWithInputsOfABuildIsRefusedNamingThemAll() {
        assertThatThrownBy(() -> parse("--repository", "team/web", "--image", "web:42", "--context", "src",
                "--build-args", "A=1", "--no-cache", "--secrets", "id=npm,env=NPM_TOKEN"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input 'image' pushes web:42, which an earlier step built")
                .hasMessageContaining("'context', 'buildArgs', 'noCache', 'secrets' are inputs of a build")
                .hasMessageContaining("or remove 'image' to build the image in this step")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("image"));
        assertThatThrownBy(() -> parse("--repository", "team/web", "--image", "web:42", "--registry-cache", "true"))
                .isInstanceOf(UserError.class).hasMessageContaining("'registryCache' is an input of a build");
    }

    @Test
    void anImageNameThatIsNoReferenceIsRefused() {
        assertThatThrownBy(() -> parse("--repository", "team/web", "--image", "my web image"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("Input 'image' is 'my web image', which is neither an image name nor an image id");
    }
}
