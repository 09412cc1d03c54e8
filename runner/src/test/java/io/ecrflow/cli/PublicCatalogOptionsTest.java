package io.ecrflow.cli;

import io.ecrflow.UserError;
import io.ecrflow.aws.RepositorySettings;
import io.ecrflow.aws.RepositorySettings.Encryption;
import io.ecrflow.aws.TagMutability;
import io.ecrflow.registry.RepositoryName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicCatalogOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aPublicRepositoryGetsTheCatalogWithMarkdownReadFromFiles() throws Exception {
        Files.writeString(dir.resolve("USAGE.md"), "docker run public.ecr.aws/x/web\n");
        PublicCatalogOptions options = new PublicCatalogOptions();
        options.description = "A web server";
        options.usage = "USAGE.md";
        options.about = "Serves *pages*.";
        options.architectures = List.of("x86-64,ARM 64");

        RepositorySettings settings = options.applyTo(plain(TagMutability.MUTABLE), true, dir);

        assertThat(settings.catalog()).hasValueSatisfying(catalog -> {
            assertThat(catalog.description()).contains("A web server");
            assertThat(catalog.usageText()).contains("docker run public.ecr.aws/x/web\n");
            assertThat(catalog.aboutText()).contains("Serves *pages*.");
            assertThat(catalog.architectures()).containsExactly("x86-64", "ARM 64");
        });
    }

    @Test
    void catalogInputsOnAPrivatePushAreRefused() {
        PublicCatalogOptions options = new PublicCatalogOptions();
        options.description = "A web server";

        assertThatThrownBy(() -> options.applyTo(plain(TagMutability.MUTABLE), false, dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("set 'public' to true");
    }

    @Test
    void settingsEcrPublicLacksAreRefusedNamingTheInput() {
        assertThatThrownBy(() -> new PublicCatalogOptions().applyTo(plain(TagMutability.IMMUTABLE), true, dir))
                .isInstanceOf(UserError.class).hasMessageContaining("no immutable tags")
                .satisfies(e -> assertThat(((UserError) e).input()).contains("tagMutability"));
    }

    @Test
    void withoutCatalogInputsAPublicRepositoryHasNoCatalogAndAPrivateOneIsUnchanged() {
        RepositorySettings settings = plain(TagMutability.MUTABLE);
        assertThat(new PublicCatalogOptions().applyTo(settings, true, dir).catalog()).isEmpty();
        assertThat(new PublicCatalogOptions().applyTo(settings, false, dir)).isEqualTo(settings);
    }

    private static RepositorySettings plain(TagMutability mutability) {
        return new RepositorySettings(new RepositoryName("team/web"), mutability, false, Encryption.AES256, Optional.empty(),
                Map.of(), Optional.empty());
    }
}
