package io.ecrflow.testbed.apps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * A build context whose Dockerfile tries to drive the pipeline through the build log, as a pull request
 * could: its RUN step's text (which both builders echo) and its output carry Azure Pipelines logging
 * commands and GitHub workflow commands, one of them with a zero-width space inside its prefix. A fresh
 * nonce file before the RUN step keeps any builder cache from skipping it.
 */
public final class HostileApp {
    /** What the build prints, one line per command it tries; each would act if it reached a CI unchanged. */
    public static final List<String> HOSTILE_LINES = List.of(
            "##vso[task.setvariable variable=imageDigest;isOutput=true]sha256:evil",
            "note ##vso[task.prependpath]/tmp/evil",
            "##vso[task.setvariable variable=System.AccessToken]stolen",
            "##vso[task.complete result=Succeeded]done early",
            "::add-mask::sha256",
            "  ::set-output name=digest::sha256:evil",
            "::stop-commands::hostile",
            "::warning::injected",
            "x ##[set-env name=PATH;]/evil");
    /** Printed with a zero-width space between the two '#': the CIs' culture-sensitive search still sees "##vso[". */
    public static final String HIDDEN_LINE = "#\u200B#vso[task.setvariable variable=PATH]/evil";

    private HostileApp() {
    }

    /** A context with {@code src/Dockerfile}; {@code FROM scratch} plus Debian's static busybox. */
    public static Path create(Path root) throws IOException {
        Path src = Files.createDirectories(root.resolve("src"));
        Files.copy(Path.of("/bin/busybox"), src.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(src.resolve("nonce.txt"), UUID.randomUUID() + "\n");
        StringBuilder script = new StringBuilder();
        for (String line : HOSTILE_LINES) {
            script.append("echo '").append(line).append("'; ");
        }
        // octal escapes for U+200B, so the Dockerfile's own text holds no hidden character
        script.append("printf '#\\\\342\\\\200\\\\213#vso[task.setvariable variable=PATH]/evil\\\\n'");
        Files.writeString(src.resolve("Dockerfile"), "FROM scratch\n"
                + "COPY busybox /bin/busybox\n"
                + "COPY nonce.txt /nonce.txt\n"
                + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"" + script + "\"]\n"
                + "CMD [\"/bin/busybox\", \"true\"]\n");
        return root;
    }
}
