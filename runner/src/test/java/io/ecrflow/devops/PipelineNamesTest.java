package io.ecrflow.devops;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineNamesTest {
    private static final List<DefinedPipeline> PIPELINES = List.of(
            new DefinedPipeline(42, "web-shop", "\\Apps"),
            new DefinedPipeline(43, "web-shop", "\\Legacy\\Old"),
            new DefinedPipeline(57, "orders-api", "\\"),
            new DefinedPipeline(58, "Billing", "\\Apps"));

    private static DefinedPipeline resolve(String name) {
        return PipelineNames.resolve(name, PIPELINES, "Platform Team", "dependents");
    }

    @Test
    void aNameUniqueInTheProjectIsFoundInAnyFolderIgnoringCase() {
        assertThat(resolve("orders-api").id()).isEqualTo(57);
        assertThat(resolve("billing").id()).isEqualTo(58);
    }

    @Test
    void aFolderPicksOneOfTwoSameNamesWrittenWithSlashesOrBackslashes() {
        assertThat(resolve("Apps/web-shop").id()).isEqualTo(42);
        assertThat(resolve("legacy/old/WEB-SHOP").id()).isEqualTo(43);
        assertThat(resolve("\\Legacy\\Old\\web-shop").id()).isEqualTo(43);
        assertThat(resolve("/orders-api").id()).as("the root folder").isEqualTo(57);
    }

    @Test
    void aNameInMoreThanOneFolderIsRefusedListingThem() {
        assertThatThrownBy(() -> resolve("web-shop")).isInstanceOf(DevOpsFailure.class)
                .hasMessage("More than one pipeline of project Platform Team is named 'web-shop': \\Apps\\web-shop (id 42), "
                        + "\\Legacy\\Old\\web-shop (id 43). Give its folder as well (Folder/web-shop) or its id.");
    }

    @Test
    void anUnknownNameIsRefusedWithTheCloseMatches() {
        assertThatThrownBy(() -> resolve("web-shp")).isInstanceOf(DevOpsFailure.class)
                .hasMessageStartingWith("Project Platform Team has no pipeline named 'web-shp'; close matches: "
                        + "\\Apps\\web-shop (id 42), \\Legacy\\Old\\web-shop (id 43).");
        assertThatThrownBy(() -> resolve("Apps/orders-api")).as("the same name in another folder")
                .hasMessageContaining("close matches: \\orders-api (id 57).");
        assertThatThrownBy(() -> resolve("deploy-everything")).hasMessage("Project Platform Team has no pipeline named "
                + "'deploy-everything'. Check the name under Pipelines, or give the pipeline's id (the definitionId in its URL).");
    }
}
