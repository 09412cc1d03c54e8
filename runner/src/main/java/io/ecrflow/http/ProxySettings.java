package io.ecrflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrflow.Secret;
import io.ecrflow.UserError;
import io.ecrflow.pipeline.Environment;

import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy for the runner's calls to the outside (ECR and STS through the AWS SDK, registries, the Teams
 * webhook, Azure DevOps' token service), from the variables CI machines set: {@code HTTPS_PROXY},
 * {@code HTTP_PROXY} and {@code NO_PROXY} in either case, else the Azure Pipelines agent's own proxy
 * ({@code Agent.ProxyUrl}, {@code Agent.ProxyBypassList}, {@code Agent.ProxyUsername} and
 * {@code Agent.ProxyPassword}). It becomes the JDK's standard proxy properties, which both the runner's
 * HTTP calls and the AWS SDK's HTTP client follow. Loopback addresses are always reached directly.
 * The Docker Engine pulls and pushes with its own proxy settings.
 */
public final class ProxySettings {
    private static final List<String> ALWAYS_DIRECT = List.of("localhost", "127.*", "[::1]", "0.0.0.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A proxy server and, when it asks for them, its credentials. */
    public record Proxy(String host, int port, Optional<String> username, Optional<Secret> password, String source) {
        String address() {
            return host + ":" + port;
        }
    }

    private final Optional<Proxy> forHttps;
    private final Optional<Proxy> forHttp;
    private final List<String> direct;

    private ProxySettings(Optional<Proxy> forHttps, Optional<Proxy> forHttp, List<String> direct) {
        this.forHttps = forHttps;
        this.forHttp = forHttp;
        this.direct = List.copyOf(direct);
    }

    /** @throws UserError when a proxy variable is not a proxy URL, naming the variable */
    public static ProxySettings from(Environment env) {
        Optional<Proxy> https = proxy(env, "HTTPS_PROXY");
        Optional<Proxy> http = proxy(env, "HTTP_PROXY");
        List<String> direct = new ArrayList<>(ALWAYS_DIRECT);
        if (https.isPresent() || http.isPresent()) {
            env.get("NO_PROXY").ifPresent(list -> direct.addAll(noProxyHosts(list)));
            return new ProxySettings(https, http, direct);
        }
        Optional<Proxy> agent = env.get("AGENT_PROXYURL").map(url -> parse(url, "Agent.ProxyUrl (AGENT_PROXYURL)",
                env.get("AGENT_PROXYUSERNAME"), env.get("AGENT_PROXYPASSWORD").map(Secret::of)));
        env.get("AGENT_PROXYBYPASSLIST").ifPresent(list -> direct.addAll(agentBypassHosts(list)));
        return new ProxySettings(agent, agent, direct);
    }

    public boolean any() {
        return forHttps.isPresent() || forHttp.isPresent();
    }

    /** Proxy passwords, for registering as secrets before anything is printed. */
    public List<Secret> secrets() {
        Set<Secret> secrets = new LinkedHashSet<>();
        forHttps.flatMap(Proxy::password).ifPresent(secrets::add);
        forHttp.flatMap(Proxy::password).ifPresent(secrets::add);
        return List.copyOf(secrets);
    }

    /** One line for the log, without credentials; empty without a proxy. */
    public Optional<String> describe() {
        if (!any()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        forHttps.ifPresent(p -> parts.add("HTTPS through " + p.address() + " (" + p.source() + ")"));
        forHttp.ifPresent(p -> parts.add("HTTP through " + p.address() + " (" + p.source() + ")"));
        return Optional.of("Proxy: " + String.join(", ", parts) + "; direct: " + String.join(", ", direct) + ".");
    }

    /** The JDK's proxy properties for these settings. */
    public Map<String, String> systemProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        forHttps.ifPresent(p -> {
            properties.put("https.proxyHost", p.host());
            properties.put("https.proxyPort", Integer.toString(p.port()));
        });
        forHttp.ifPresent(p -> {
            properties.put("http.proxyHost", p.host());
            properties.put("http.proxyPort", Integer.toString(p.port()));
        });
        if (any()) {
            // One list for both schemes: the JDK reads http.nonProxyHosts for HTTPS too.
            properties.put("http.nonProxyHosts", String.join("|", direct));
        }
        return properties;
    }

    /**
     * Makes these settings the process's: the proxy properties (where the JVM was not started with its
     * own) and, for a proxy that asks for credentials, an authenticator that answers only proxies.
     */
    public void install() {
        systemProperties().forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
        Map<String, Proxy> withCredentials = new LinkedHashMap<>();
        for (Optional<Proxy> proxy : List.of(forHttps, forHttp)) {
            proxy.filter(p -> p.username().isPresent()).ifPresent(p -> withCredentials.put(p.address(), p));
        }
        if (withCredentials.isEmpty()) {
            return;
        }
        // The JDK refuses Basic for HTTPS tunnels unless told otherwise; proxies in CI mostly want Basic.
        System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        Authenticator.setDefault(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) {
                    return null;
                }
                Proxy proxy = withCredentials.get(getRequestingHost() + ":" + getRequestingPort());
                if (proxy == null) {
                    return null;
                }
                return new PasswordAuthentication(proxy.username().orElseThrow(),
                        proxy.password().map(Secret::reveal).orElse("").toCharArray());
            }
        });
    }

    private static Optional<Proxy> proxy(Environment env, String name) {
        return env.get(name).map(url -> parse(url, name, Optional.empty(), Optional.empty()));
    }

    /** {@code http://[user[:password]@]host[:port]}, or just {@code host:port} as many tools accept. */
    static Proxy parse(String value, String source, Optional<String> username, Optional<Secret> password) {
        String text = value.trim();
        URI uri;
        try {
            uri = URI.create(text.contains("://") ? text : "http://" + text);
        } catch (IllegalArgumentException e) {
            throw invalid(source);
        }
        if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw invalid(source);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Optional<String> user = username;
        Optional<Secret> secret = password;
        if (uri.getRawUserInfo() != null) {
            String[] pair = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(pair[0]));
            secret = pair.length > 1 ? Optional.of(Secret.of(decode(pair[1]))) : Optional.empty();
        }
        return new Proxy(uri.getHost(), port, user.filter(u -> !u.isBlank()), secret, source);
    }

    /** The value may hold a password, so the message never repeats it. */
    private static UserError invalid(String source) {
        return new UserError(source + " is not a proxy URL such as http://proxy.example.com:3128; correct or unset it.");
    }

    /** NO_PROXY's {@code .example.com,example.org,10.1.2.3} as JDK patterns; CIDR ranges are not supported there. */
    static List<String> noProxyHosts(String list) {
        List<String> hosts = new ArrayList<>();
        for (String entry : list.split(",")) {
            String host = entry.trim().toLowerCase(Locale.ROOT);
            if (host.isEmpty() || host.contains("/")) {
                continue;
            }
            if (host.equals("*")) {
                hosts.add("*");
            } else if (host.startsWith("*.")) {
                hosts.add(host);
            } else if (host.startsWith(".")) {
                hosts.add("*" + host);
            } else {
                hosts.add(host);
                hosts.add("*." + host);
            }
        }
        return hosts;
    }

    /**
     * The agent's bypass list: a JSON array of regular expressions. The simple ones (host names, with
     * {@code .*} for any part) carry over; others cannot be said as JDK patterns and are left out.
     */
    static List<String> agentBypassHosts(String json) {
        List<String> hosts = new ArrayList<>();
        try {
            JsonNode entries = JSON.readTree(json);
            for (JsonNode entry : entries) {
                String pattern = entry.asText().replaceAll("^\\^|\\$$", "").replace("\\.", ".").replace(".*", "*");
                if (!pattern.isBlank() && pattern.matches("[A-Za-z0-9*.:\\[\\]-]+")) {
                    hosts.add(pattern.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            // not a JSON array: nothing to bypass beyond loopback
        }
        return hosts;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
