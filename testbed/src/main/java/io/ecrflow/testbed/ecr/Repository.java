package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.registry.DistributionRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One ECR repository's settings and metadata; the images themselves live in the registry. */
public final class Repository {

    private final String name;
    private final String region;
    private final Instant createdAt;
    private final Map<String, Instant> pushedAt = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastPulledAt = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastArchivedAt = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastActivatedAt = new ConcurrentHashMap<>();
    /** The images in the archive storage class, by digest: they are described, but cannot be pulled. */
    private final Set<String> archived = ConcurrentHashMap.newKeySet();
    private final Object manifestWrites = new Object();
    private TagMutabilityRule mutability;
    private boolean scanOnPush;
    private final String encryptionType;
    private final Optional<String> kmsKey;
    private final Map<String, String> tags;
    private String lifecyclePolicy;
    private Instant lifecycleEvaluatedAt;

    Repository(String name, String region, Instant createdAt, RepositorySettings settings) {
        this.name = name;
        this.region = region;
        this.createdAt = createdAt;
        this.mutability = new TagMutabilityRule(settings.mutability(), settings.mutabilityExclusions());
        this.scanOnPush = settings.scanOnPush();
        this.encryptionType = settings.encryptionType();
        this.kmsKey = settings.kmsKey();
        this.tags = new LinkedHashMap<>(settings.tags());
    }

    public String name() {
        return name;
    }

    Instant createdAt() {
        return createdAt;
    }

    public String arn(String accountId) {
        return "arn:aws:ecr:" + region + ":" + accountId + ":repository/" + name;
    }

    /**
     * Held while a manifest is checked against tag immutability and stored, so that two pushes
     * of one tag cannot both pass the check.
     */
    public Object manifestWrites() {
        return manifestWrites;
    }

    /** Whether {@code tag}, once it holds an image, refuses another one. */
    public synchronized boolean immutable(String tag) {
        return mutability.protects(tag);
    }

    synchronized TagMutabilityRule mutability() {
        return mutability;
    }

    synchronized void setMutability(TagMutabilityRule value) {
        mutability = value;
    }

    synchronized boolean scanOnPush() {
        return scanOnPush;
    }

    synchronized void setScanOnPush(boolean value) {
        scanOnPush = value;
    }

    public String encryptionType() {
        return encryptionType;
    }

    public Optional<String> kmsKey() {
        return kmsKey;
    }

    synchronized Map<String, String> tags() {
        return new LinkedHashMap<>(tags);
    }

    synchronized void tag(Map<String, String> added) {
        tags.putAll(added);
    }

    synchronized void untag(Iterable<String> keys) {
        keys.forEach(tags::remove);
    }

    synchronized Optional<String> lifecyclePolicy() {
        return Optional.ofNullable(lifecyclePolicy);
    }

    synchronized void setLifecyclePolicy(String policy) {
        lifecyclePolicy = policy;
    }

    /** When the lifecycle policy was last run against the images (GetLifecyclePolicy's lastEvaluatedAt). */
    synchronized Optional<Instant> lifecycleEvaluatedAt() {
        return Optional.ofNullable(lifecycleEvaluatedAt);
    }

    synchronized void lifecycleEvaluated(Instant at) {
        lifecycleEvaluatedAt = at;
    }

    /** A manifest written; an archived image written again is restored. */
    public void recordPush(String digest, Instant at) {
        pushedAt.putIfAbsent(digest, at);
        restoreOnPush(digest, at);
    }

    /**
     * When an image was first pushed: a later push or PutImage of the same manifest under another tag keeps
     * that time, as ECR's imagePushedAt does. Images the front did not see arrive date from their storage.
     */
    Instant pushedAt(String digest, DistributionRegistry registry) {
        return Optional.ofNullable(pushedAt.get(digest))
                .or(() -> registry.storedAt(name, digest))
                .orElse(createdAt);
    }

    /** An image deleted: pushed again, it is new. */
    void forgetPush(String digest) {
        pushedAt.remove(digest);
        lastPulledAt.remove(digest);
        lastArchivedAt.remove(digest);
        lastActivatedAt.remove(digest);
        archived.remove(digest);
    }

    /** A manifest read through the registry front: ECR's lastRecordedPullTime. */
    public void recordPull(String digest, Instant at) {
        lastPulledAt.put(digest, at);
    }

    /** A lifecycle rule moved the image to the archive storage class. */
    void archive(String digest, Instant at) {
        archived.add(digest);
        lastArchivedAt.put(digest, at);
    }

    /** Pushing an archived image again restores it at once, as ECR does (archive-image.html). */
    void restoreOnPush(String digest, Instant at) {
        if (archived.remove(digest)) {
            lastActivatedAt.put(digest, at);
        }
    }

    public boolean archived(String digest) {
        return archived.contains(digest);
    }

    Optional<Instant> lastPulledAt(String digest) {
        return Optional.ofNullable(lastPulledAt.get(digest));
    }

    Optional<Instant> lastArchivedAt(String digest) {
        return Optional.ofNullable(lastArchivedAt.get(digest));
    }

    Optional<Instant> lastActivatedAt(String digest) {
        return Optional.ofNullable(lastActivatedAt.get(digest));
    }

    /** DescribeImages' imageStatus: ARCHIVED or ACTIVE (a restore is immediate here, so never ACTIVATING). */
    public String imageStatus(String digest) {
        return archived(digest) ? "ARCHIVED" : "ACTIVE";
    }

    public synchronized RepositoryState snapshot(String accountId, String registryHost) {
        return new RepositoryState(name, arn(accountId), registryHost + "/" + name, accountId, createdAt,
                mutability.mode(), scanOnPush, encryptionType, kmsKey, tags, Optional.ofNullable(lifecyclePolicy),
                mutability.filters());
    }
}
