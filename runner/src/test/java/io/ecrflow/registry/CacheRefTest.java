package io.ecrflow.registry;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheRefTest {
    private static final RepositoryName WEB = new RepositoryName("team/web");

    @Test
    void blankIsTagBuildcacheOfThePushedRepository() {
        assertThat(CacheRef.parse(" ", WEB, "cacheRef")).isEqualTo(new CacheRef(WEB, Tag.of("buildcache")));
        assertThat(CacheRef.parse(null, WEB, "cacheRef")).isEqualTo(CacheRef.defaultFor(WEB));
    }

    @Test
    void aTagAloneStaysInThePushedRepository() {
        assertThat(CacheRef.parse("cache-main", WEB, "cacheRef")).isEqualTo(new CacheRef(WEB, Tag.of("cache-main")));
    }

    @Test
    void aRepositoryWithoutTagGetsTagBuildcache() {
        assertThat(CacheRef.parse("team/cache", WEB, "cacheRef"))
                .isEqualTo(new CacheRef(new RepositoryName("team/cache"), Tag.of("buildcache")));
    }

    @Test
    void repositoryAndTag() {
        CacheRef ref = CacheRef.parse("Team/Cache:web", WEB, "cacheRef");

        assertThat(ref).isEqualTo(new CacheRef(new RepositoryName("team/cache"), Tag.of("web")));
        assertThat(ref.in("123456789012.dkr.ecr.eu-west-1.amazonaws.com").toString())
                .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/cache:web");
    }

    @Test
    void aRegistryHostIsRefused() {
        for (String text : new String[] {"localhost/web:cache", "127.0.0.1:5000/web:cache", "ghcr.io/team/web"}) {
            assertThatThrownBy(() -> CacheRef.parse(text, WEB, "cacheRef")).as(text)
                    .isInstanceOf(UserError.class).hasMessageContaining("names a registry");
        }
    }

    @Test
    void aBadRepositoryNameQuotesEcrsRule() {
        assertThatThrownBy(() -> CacheRef.parse("team//x:cache", WEB, "cacheRef"))
                .isInstanceOf(UserError.class).hasMessageContaining("not valid for Amazon ECR");
    }

    @Test
    void onlyTheSameTagOfTheSameRepositoryIsTheCacheTag() {
        CacheRef ref = CacheRef.defaultFor(WEB);

        assertThat(ref.isTag(WEB, Tag.of("buildcache"))).isTrue();
        assertThat(ref.isTag(WEB, Tag.of("latest"))).isFalse();
        assertThat(ref.isTag(new RepositoryName("team/api"), Tag.of("buildcache"))).isFalse();
    }
}
