package io.ecrflow.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an image takes in the registry: its config and layer blobs as the registry stores them (compressed),
 * each blob once; foreign layers live elsewhere and do not count. An index counts the blobs of all its images.
 */
public record ImageSize(long bytes) {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    /** Reads the images of an index; a single image's manifest names its blobs and sizes itself. */
    public static ImageSize of(RegistryClient registry, ImageRef ref, Manifest manifest) {
        List<Manifest> images = manifest.isIndex()
                ? manifest.entries().stream().map(entry -> registry.manifest(ref.withDigest(entry.digest())))
                .filter(image -> !image.isIndex()).toList()
                : List.of(manifest);
        Map<Digest, Long> blobs = new LinkedHashMap<>();
        images.forEach(image -> image.blobs().stream().filter(blob -> !blob.isForeign())
                .forEach(blob -> blobs.putIfAbsent(blob.digest(), Math.max(0, blob.size()))));
        return new ImageSize(blobs.values().stream().mapToLong(Long::longValue).sum());
    }

    /** {@code 512 B}, {@code 4.2 MiB}, {@code 1.1 GiB}: binary units, one decimal. */
    public String readable() {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
