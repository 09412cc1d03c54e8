package io.ecrflow.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.ecrflow.UserError;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@link Containers} over the Engine API through docker-java. */
public final class EngineContainers implements Containers {
    /** Marks what ecrflow started, so a leftover container can be found ({@code docker ps -a --filter label=…}). */
    public static final String LABEL = "io.ecrflow.purpose";

    private final EngineConnection connection;

    public EngineContainers(EngineConnection connection) {
        this.connection = connection;
    }

    @Override
    public RunningContainer start(String image, int port) {
        ExposedPort exposed = ExposedPort.tcp(port);
        String id;
        try {
            id = client().createContainerCmd(image)
                    .withExposedPorts(exposed)
                    .withLabels(Map.of(LABEL, "integration-test"))
                    .withHostConfig(HostConfig.newHostConfig()
                            .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), exposed)))
                    .exec().getId();
        } catch (NotFoundException e) {
            throw new UserError("The engine has no image " + image + " to start.", null, e);
        }
        try {
            client().startContainerCmd(id).exec();
            return new RunningContainer(id, addresses(client().inspectContainerCmd(id).exec(), port));
        } catch (DockerException e) {
            remove(id);
            throw new UserError("The container of " + image + " could not be started: " + e.getMessage(), null, e);
        }
    }

    private static List<URI> addresses(InspectContainerResponse container, int port) {
        Set<String> bases = new LinkedHashSet<>();
        var settings = container.getNetworkSettings();
        if (settings != null) {
            if (settings.getIpAddress() != null && !settings.getIpAddress().isBlank()) {
                bases.add("http://" + settings.getIpAddress() + ":" + port);
            }
            if (settings.getNetworks() != null) {
                for (ContainerNetwork network : settings.getNetworks().values()) {
                    if (network.getIpAddress() != null && !network.getIpAddress().isBlank()) {
                        bases.add("http://" + network.getIpAddress() + ":" + port);
                    }
                }
            }
            Ports.Binding[] published = settings.getPorts() == null ? null
                    : settings.getPorts().getBindings().get(ExposedPort.tcp(port));
            if (published != null) {
                for (Ports.Binding binding : published) {
                    if (binding.getHostPortSpec() != null && !binding.getHostPortSpec().isBlank()) {
                        bases.add("http://127.0.0.1:" + binding.getHostPortSpec());
                    }
                }
            }
        }
        if (bases.isEmpty()) {
            throw new UserError("The test container " + container.getId() + " has neither a network address nor a "
                    + "published port " + port + "; the engine's default bridge network may be switched off.");
        }
        return bases.stream().map(URI::create).toList();
    }

    @Override
    public ContainerState state(String id) {
        InspectContainerResponse.ContainerState state = client().inspectContainerCmd(id).exec().getState();
        if (state != null && Boolean.TRUE.equals(state.getRunning())) {
            return ContainerState.runningNow();
        }
        Long code = state == null ? null : state.getExitCodeLong();
        return ContainerState.exited(code == null ? -1 : code);
    }

    @Override
    public List<String> logs(String id, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder partial = new StringBuilder();
        try {
            client().logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(maxLines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (lines) {
                                partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                                int newline;
                                while ((newline = partial.indexOf("\n")) >= 0) {
                                    lines.add(partial.substring(0, newline).replace("\r", ""));
                                    partial.delete(0, newline + 1);
                                }
                            }
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            return List.of();
        }
        synchronized (lines) {
            if (!partial.isEmpty()) {
                lines.add(partial.toString());
            }
            return List.copyOf(lines);
        }
    }

    @Override
    public void remove(String id) {
        try {
            client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // Already gone: that is what was asked for.
        }
    }

    private DockerClient client() {
        return connection.client();
    }
}
