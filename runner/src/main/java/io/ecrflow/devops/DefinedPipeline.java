package io.ecrflow.devops;

/**
 * A pipeline of the project as Azure DevOps lists it.
 *
 * @param folder its folder as Azure DevOps writes it: {@code \} for the root, {@code \Apps\Web} below it
 */
public record DefinedPipeline(int id, String name, String folder) {
    /** {@code \Apps\web-shop}; {@code \web-shop} at the root. */
    public String path() {
        String trimmed = folder.replaceAll("\\\\+$", "");
        return (trimmed.isEmpty() || trimmed.startsWith("\\") ? trimmed : "\\" + trimmed) + "\\" + name;
    }

    /** How messages name it: {@code \Apps\web-shop (id 42)}. */
    public String describe() {
        return path() + " (id " + id + ")";
    }
}
