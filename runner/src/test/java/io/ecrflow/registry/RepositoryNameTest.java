package io.ecrflow.registry;

import io.ecrflow.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryNameTest {

    @Test
    void aNameIsLoweredAndKept() {
        assertThat(RepositoryName.fromInput(" Team/Web ", "repository").value()).isEqualTo("team/web");
        assertThat(RepositoryName.fromInput("my.team/web", "repository").value()).isEqualTo("my.team/web");
    }

    @Test
    void aFullEcrImageUriIsRefusedWithTheInputsThatSayTheSame() {
        assertThatThrownBy(() -> RepositoryName.fromInput("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web", "repository"))
                .isInstanceOf(UserError.class)
                .hasMessage("Repository '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web' names the registry too. "
                        + "Give the repository's name alone, and the registry as region and registry id: repository "
                        + "'team/web', region 'eu-west-1' (and registryId '123456789012' when that is not the account of "
                        + "the credentials).")
                .extracting(e -> ((UserError) e).input()).isEqualTo(java.util.Optional.of("repository"));
        assertThatThrownBy(() -> RepositoryName.fromInput("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web",
                "sourceRepository")).hasMessageContaining("sourceRepository 'web', region 'us-gov-west-1'");
        assertThatThrownBy(() -> RepositoryName.fromInput("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web", "repository"))
                .hasMessageContaining("region 'cn-north-1'");
    }

    @Test
    void anEcrPublicUriNamesTheAliasAndPublic() {
        assertThatThrownBy(() -> RepositoryName.fromInput("public.ecr.aws/contoso/web", "repository"))
                .isInstanceOf(UserError.class)
                .hasMessage("Repository 'public.ecr.aws/contoso/web' names ECR Public's registry too. Give repository "
                        + "'web' with public true and registryAlias 'contoso'.");
    }

    @Test
    void aTagBelongsInTheTags() {
        assertThatThrownBy(() -> RepositoryName.fromInput("team/web:1.0", "repository"))
                .isInstanceOf(UserError.class)
                .hasMessage("Repository 'team/web:1.0' carries a tag: give repository 'team/web' and the tag '1.0' in the tags.");
    }
}
