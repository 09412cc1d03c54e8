package io.ecrflow.docker;

import io.ecrflow.UserError;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform an image is built for, {@code os/arch[/variant]} as the OCI image index spells it
 * (https://github.com/opencontainers/image-spec/blob/main/image-index.md): checked here, because the engine
 * builds {@code linux/z80} for the engine's own architecture without a word and the push publishes it.
 * The spellings Docker normalises ({@code x86_64}, {@code aarch64}) are accepted and normalised the same way.
 */
public record TargetPlatform(String os, String architecture, String variant) {
    private static final Pattern SHAPE = Pattern.compile("([a-z0-9]+)/([a-z0-9_-]+)(?:/([a-z0-9]+))?");
    /** The values Go (and so Docker and containerd) knows as GOOS and GOARCH. */
    private static final Set<String> OPERATING_SYSTEMS = Set.of("linux", "windows", "darwin", "freebsd", "netbsd",
            "openbsd", "solaris", "illumos", "aix", "android", "dragonfly", "plan9", "js", "wasip1");
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "arm64", "arm", "386", "ppc64le", "ppc64",
            "s390x", "riscv64", "mips", "mipsle", "mips64", "mips64le", "loong64", "wasm");
    private static final Map<String, String> ALIASES = Map.of("x86_64", "amd64", "x86-64", "amd64", "aarch64", "arm64",
            "i386", "386", "armhf", "arm", "armel", "arm");
    private static final Pattern VARIANT = Pattern.compile("v[1-9]|v8\\.[0-9]|v9\\.[0-9]");

    public static TargetPlatform parse(String text, String input) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        Matcher shape = SHAPE.matcher(lower);
        if (!shape.matches()) {
            throw new UserError("Input '" + input + "' is '" + text + "'; give one platform as os/arch or os/arch/variant, "
                    + "e.g. linux/amd64 or linux/arm64/v8.", input);
        }
        String os = shape.group(1);
        String architecture = ALIASES.getOrDefault(shape.group(2), shape.group(2));
        String variant = shape.group(3) == null ? "" : shape.group(3);
        if (!OPERATING_SYSTEMS.contains(os)) {
            throw new UserError("Input '" + input + "' is '" + text + "': '" + os + "' is not an operating system Docker "
                    + "builds for; use linux (or windows on a Windows engine).", input);
        }
        if (!ARCHITECTURES.contains(architecture)) {
            throw new UserError("Input '" + input + "' is '" + text + "': '" + shape.group(2) + "' is not a CPU architecture "
                    + "Docker knows; use e.g. amd64, arm64, arm, 386, ppc64le, s390x or riscv64.", input);
        }
        if (!variant.isEmpty() && !VARIANT.matcher(variant).matches()) {
            throw new UserError("Input '" + input + "' is '" + text + "': '" + variant + "' is not an architecture variant; "
                    + "variants look like v6, v7 or v8.", input);
        }
        return new TargetPlatform(os, architecture, variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
