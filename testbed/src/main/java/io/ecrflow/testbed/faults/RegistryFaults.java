package io.ecrflow.testbed.faults;

/** Every fault knob of one registry front: its manifest writes, its pushes and its blob uploads. */
public record RegistryFaults(ManifestWriteFaults manifestWrites, PushFaults push, BlobUploadFaults uploads) {

    /** Knobs that are all off until a test arms one. */
    public static RegistryFaults none() {
        return new RegistryFaults(new ManifestWriteFaults(), new PushFaults(), new BlobUploadFaults());
    }
}
