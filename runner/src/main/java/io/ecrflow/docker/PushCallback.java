package io.ecrflow.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import io.ecrflow.UserError;
import io.ecrflow.registry.Digest;
import io.ecrflow.registry.ImageRef;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the engine's push stream: per-layer states and byte counts become one percentage, notable layer
 * events become status lines, and the manifest digest the registry stored is picked up at the end.
 */
final class PushCallback extends ResultCallback.Adapter<PushResponseItem> {
    // The engine's last status line: "<tag>: digest: sha256:<hex> size: <n>".
    private static final Pattern DIGEST_LINE = Pattern.compile("digest: (sha256:[a-f0-9]{64}) size:");
    // The engine's own retry of a layer upload: "Retrying in 5 seconds", up to 5 times per layer.
    private static final Pattern RETRY_LINE = Pattern.compile("Retrying in \\d+ seconds?");

    private final ImageRef ref;
    private final PushProgress progress;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private Digest digest;
    private String error;
    private int reported = -1;
    private int retries;

    PushCallback(ImageRef ref, PushProgress progress) {
        this.ref = ref;
        this.progress = progress;
    }

    @Override
    public void onNext(PushResponseItem item) {
        if (item.isErrorIndicated()) {
            error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                    ? item.getErrorDetail().getMessage() : item.getError();
            return;
        }
        if (item.getAux() != null && item.getAux().getDigest() != null) {
            digest = Digest.parse(item.getAux().getDigest());
        }
        String status = item.getStatus();
        if (status == null) {
            return;
        }
        if (item.getId() == null) {
            Matcher matcher = DIGEST_LINE.matcher(status);
            if (matcher.find() && digest == null) {
                digest = Digest.parse(matcher.group(1));
            }
            progress.status(status);
            return;
        }
        layerEvent(item.getId(), status, item.getProgressDetail());
        report();
    }

    private void layerEvent(String id, String status, ResponseItem.ProgressDetail detail) {
        Layer layer = layers.computeIfAbsent(id, key -> new Layer());
        switch (status) {
            case "Preparing", "Waiting" -> { }
            case "Pushing" -> {
                if (detail != null && detail.getTotal() != null && detail.getTotal() > 0) {
                    layer.total = detail.getTotal();
                    layer.current = Math.min(detail.getCurrent() == null ? 0 : detail.getCurrent(), layer.total);
                }
            }
            case "Pushed", "Layer already exists" -> {
                layer.finished = true;
                progress.status(id + ": " + status);
            }
            default -> {
                if (RETRY_LINE.matcher(status).matches()) {
                    retried();
                    return;
                }
                // "Mounted from other/repo" also finishes a layer; anything else is news.
                layer.finished |= status.startsWith("Mounted from");
                progress.status(id + ": " + status);
            }
        }
    }

    /**
     * The engine retries each layer on its own, one line per layer and attempt (about 50 lines for an image whose
     * registry went away): the log gets one line when it starts, and the count goes into the failure.
     */
    private void retried() {
        retries++;
        if (retries == 1) {
            progress.status("The registry " + ref.registry() + " failed to take a layer; the Docker Engine is trying "
                    + "again (up to 5 times per layer).");
        }
    }

    private void report() {
        int percent = percent();
        if (percent > reported) {
            reported = percent;
            progress.percent(percent, "Pushing " + ref);
        }
    }

    /** Bytes sent over bytes to send for the layers whose size is known; 100 only once every layer is done. */
    private int percent() {
        if (!layers.isEmpty() && layers.values().stream().allMatch(layer -> layer.finished)) {
            return 100;
        }
        long total = 0;
        long sent = 0;
        for (Layer layer : layers.values()) {
            total += layer.total;
            sent += layer.finished ? layer.total : layer.current;
        }
        return total == 0 ? 0 : (int) Math.min(99, 100 * sent / total);
    }

    /** The digest of the pushed manifest; throws the registry's refusal as a {@link UserError}. */
    Digest result() {
        if (error != null) {
            throw PushFailure.explain(ref, error, retries);
        }
        if (digest == null) {
            throw new UserError("Pushing " + ref + " ended without the registry reporting the image digest. "
                    + "Run the push again; if it keeps happening, check the registry's health.");
        }
        if (reported < 100) {
            reported = 100;
            progress.percent(100, "Pushed " + ref);
        }
        return digest;
    }

    private static final class Layer {
        long total;
        long current;
        boolean finished;
    }
}
