package io.ecrflow.publish;

import io.ecrflow.aws.EnsuredRepository;
import io.ecrflow.pipeline.Pipeline;
import io.ecrflow.registry.ImageRef;
import io.ecrflow.registry.ImageSize;
import io.ecrflow.registry.RegistryClient;

import java.util.List;
import java.util.Optional;

/**
 * The step every publishing story ends with: each tag the image is published under in the log, then the outputs
 * and the run summary ({@link PublishOutputs}), with the image's size as the registry holds it.
 */
public final class PublicationReport {
    private final Pipeline pipeline;

    public PublicationReport(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * @param published  every tag of the run, in publish order; the first names the image ({@code imageUri})
     * @param repository the repository published to, created by this run or found
     */
    public void report(Published published, EnsuredRepository repository, RegistryClient registry) {
        List<ImageRef> refs = published.refs();
        refs.forEach(ref -> pipeline.info("Published " + ref));
        PublishOutputs.write(pipeline, refs.get(0), refs, published.digest(),
                Optional.of(ImageSize.of(registry, refs.get(0), published.manifest())), repository);
    }
}
