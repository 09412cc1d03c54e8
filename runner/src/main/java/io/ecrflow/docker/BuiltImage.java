package io.ecrflow.docker;

/** An image the engine now holds: its id ({@code sha256:…}) and the local name it was built under. */
public record BuiltImage(String imageId, String localName) {
}
