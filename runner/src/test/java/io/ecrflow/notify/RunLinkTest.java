package io.ecrflow.notify;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RunLinkTest {

    @Test
    void linksToTheRunsResultsPageWithTheProjectNameEncoded() {
        Map<String, String> variables = Map.of("System.CollectionUri", "https://dev.azure.com/contoso/",
                "System.TeamProject", "Platform Team", "Build.BuildId", "1234");

        assertThat(RunLink.from(name -> Optional.ofNullable(variables.get(name))))
                .hasValueSatisfying(uri -> assertThat(uri).hasToString(
                        "https://dev.azure.com/contoso/Platform%20Team/_build/results?buildId=1234"));
    }

    @Test
    void aCollectionUriWithoutTrailingSlashWorksAndOutsideAPipelineThereIsNoLink() {
        Map<String, String> variables = Map.of("System.CollectionUri", "https://tfs.example.com/tfs/DefaultCollection",
                "System.TeamProject", "web", "Build.BuildId", "7");

        assertThat(RunLink.from(name -> Optional.ofNullable(variables.get(name))).orElseThrow())
                .hasToString("https://tfs.example.com/tfs/DefaultCollection/web/_build/results?buildId=7");
        assertThat(RunLink.from(name -> Optional.empty())).isEmpty();
    }
}
