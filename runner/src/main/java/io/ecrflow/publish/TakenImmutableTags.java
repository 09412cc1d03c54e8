package io.ecrflow.publish;

import io.ecrflow.aws.Ecr;
import io.ecrflow.aws.RepositoryInfo;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tags of a publication that the repository keeps from moving and holds already, each with the digest it holds:
 * an earlier attempt of this run, a promotion done before, or a conflict. A tag the repository lets move is none of
 * these: it is simply written again.
 */
public final class TakenImmutableTags {
    private TakenImmutableTags() {
    }

    /** @param repository the repository as this run described it; a missing one holds nothing */
    public static Map<Tag, Digest> in(Ecr ecr, Optional<RepositoryInfo> repository, List<Tag> tags) {
        List<Tag> immutable = repository.map(found -> tags.stream().filter(found.mutability()::isImmutable).toList())
                .orElse(List.of());
        return immutable.isEmpty() ? Map.of() : ecr.existingTags(repository.get().name(), immutable);
    }
}
