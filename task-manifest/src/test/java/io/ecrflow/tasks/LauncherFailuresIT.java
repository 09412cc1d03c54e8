package io.ecrflow.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A task the launcher cannot start fails with one error that says which input or step to fix. */
class LauncherFailuresIT {
    @TempDir
    Path sources;

    @Test
    void withoutJavaTheStepAsksForAJavaToolInstallerStep(@TempDir Path nowhere) throws Exception {
        ServiceConnection connection = ServiceConnection.withExampleKeys();

        StepResult step = AgentStep.main("EcrBuildPush", sources)
                .serviceConnection(connection)
                .input("repository", "team/web")
                .variable("PATH", nowhere.toString())
                .variable("JAVA_HOME", nowhere.resolve("jdk").toString())
                .variable("JAVA_HOME_17_X64", nowhere.resolve("jdk-17").toString())
                .variable("JAVA_HOME_21_X64", nowhere.resolve("jdk-21").toString())
                .run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.result()).contains("Failed");
        assertThat(step.errors()).singleElement().asString()
                .contains("No Java 17 or newer").contains("JavaToolInstaller@0").contains("versionSpec: '17'");
        assertThat(step.lines().get(0)).as("the secret is registered even on the way out")
                .isEqualTo("##vso[task.setsecret]" + connection.secretAccessKey());
    }

    @Test
    void aJavaOlderThan17IsNamedAndNotUsed(@TempDir Path tools) throws Exception {
        Path oldJava = Files.createDirectories(tools.resolve("jdk-11/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        StepResult step = AgentStep.main("EcrLogin", sources)
                .serviceConnection(ServiceConnection.withExampleKeys())
                .variable("PATH", Files.createDirectories(tools.resolve("empty")).toString())
                .variable("JAVA_HOME", tools.resolve("jdk-11").toString())
                .withoutVariable("JAVA_HOME_17_X64")
                .run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.errors()).singleElement().asString().contains("JAVA_HOME is Java 11").contains("JavaToolInstaller@0");
    }

    @Test
    void aServiceConnectionThatDidNotReachTheStepIsNamedByItsInput() throws Exception {
        StepResult step = AgentStep.main("EcrLogin", sources)
                .input("awsConnection", UUID.randomUUID().toString())
                .run();

        assertThat(step.exitCode()).isNotZero();
        assertThat(step.result()).contains("Failed");
        assertThat(step.errors()).singleElement().asString().contains("input 'awsConnection'").contains("is not available to this step");
    }
}
