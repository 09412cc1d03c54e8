package io.ecrflow.testbed.aws;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * STS's AssumeRole and AssumeRoleWithWebIdentity, with the checks and error codes of the STS API
 * reference: session name and duration limits, the role's trust ({@link TrustedRole}), the external
 * id, and for web identities a trusted issuer, a matching audience and an unexpired token.
 */
final class RoleOperations {

    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Duration DEFAULT_DURATION = Duration.ofHours(1);

    private final Map<String, TrustedRole> roles;
    private final List<IdentityProvider> providers;
    private final Optional<Duration> lifetimeOverride;
    private final RoleSessions sessions;
    private final Function<String, String> callerArn;

    /**
     * @param lifetimeOverride when set, every session lasts this long whatever was asked, so tests
     *                         can watch credentials expire within a run
     * @param callerArn        the ARN of the principal holding an access key, for AccessDenied messages
     */
    RoleOperations(List<TrustedRole> roles, List<IdentityProvider> providers, Optional<Duration> lifetimeOverride,
            RoleSessions sessions, Function<String, String> callerArn) {
        this.roles = roles.stream().collect(java.util.stream.Collectors.toMap(TrustedRole::arn, r -> r, (a, b) -> b));
        this.providers = List.copyOf(providers);
        this.lifetimeOverride = lifetimeOverride;
        this.sessions = sessions;
        this.callerArn = callerArn;
    }

    String assumeRole(Map<String, String> parameters, Optional<String> caller) {
        String roleArn = required(parameters, "RoleArn");
        String sessionName = sessionName(parameters);
        Duration duration = duration(parameters);
        Optional<String> externalId = Optional.ofNullable(parameters.get("ExternalId"));
        String callerKey = caller.orElseThrow();
        TrustedRole role = roles.get(roleArn);
        if (role == null || (role.externalId().isPresent() && !role.externalId().equals(externalId))) {
            throw new AwsError("AccessDenied", "User: " + callerArn.apply(callerKey)
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn, 403);
        }
        RoleSessions.Issued issued = sessions.issue(new RoleSession.Request(role, sessionName, externalId,
                Optional.ofNullable(parameters.get("SourceIdentity")), caller, Optional.empty(), Optional.empty()),
                lifetime(duration));
        return credentialsXml(issued) + assumedRoleUserXml(issued.session())
                + issued.session().sourceIdentity().map(id -> "<SourceIdentity>" + Xml.escape(id) + "</SourceIdentity>").orElse("");
    }

    String assumeRoleWithWebIdentity(Map<String, String> parameters, Optional<String> caller) {
        String roleArn = required(parameters, "RoleArn");
        String sessionName = sessionName(parameters);
        Duration duration = duration(parameters);
        WebIdentityToken token = WebIdentityToken.parse(required(parameters, "WebIdentityToken"));
        IdentityProvider provider = providers.stream().filter(p -> p.issuer().equals(token.issuer())).findFirst()
                .orElseThrow(() -> new AwsError("InvalidIdentityToken",
                        "No OpenIDConnect provider found in your account for " + token.issuer()));
        if (token.audiences().stream().noneMatch(provider.audiences()::contains)) {
            throw new AwsError("InvalidIdentityToken", "Incorrect token audience");
        }
        Instant now = sessions.now();
        if (token.expiresAt().isPresent() && !now.isBefore(token.expiresAt().get())) {
            throw new AwsError("ExpiredTokenException", "Token expired: current date/time " + now
                    + " must be before the expiration date/time " + token.expiresAt().get());
        }
        TrustedRole role = roles.get(roleArn);
        if (role == null) {
            throw new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
        }
        RoleSessions.Issued issued = sessions.issue(new RoleSession.Request(role, sessionName, Optional.empty(),
                Optional.ofNullable(parameters.get("SourceIdentity")), Optional.empty(), Optional.of(token.issuer()),
                Optional.of(token.subject())), lifetime(duration));
        String audience = token.audiences().stream().filter(provider.audiences()::contains).findFirst().orElseThrow();
        return credentialsXml(issued)
                + "<SubjectFromWebIdentityToken>" + Xml.escape(token.subject()) + "</SubjectFromWebIdentityToken>"
                + assumedRoleUserXml(issued.session())
                + "<Provider>" + Xml.escape(providerName(token.issuer())) + "</Provider>"
                + "<Audience>" + Xml.escape(audience) + "</Audience>";
    }

    /** The UserId GetCallerIdentity reports for a session: the role's id, a colon and the session name. */
    static String roleUserId(RoleSession session) {
        byte[] hash = SigV4Verifier.sha256(session.roleArn());
        return "AROA" + HexFormat.of().formatHex(hash, 0, 8).toUpperCase(Locale.ROOT) + ":" + session.sessionName();
    }

    private Duration lifetime(Duration requested) {
        return lifetimeOverride.orElse(requested);
    }

    private static String credentialsXml(RoleSessions.Issued issued) {
        return "<Credentials>"
                + "<AccessKeyId>" + issued.session().accessKeyId() + "</AccessKeyId>"
                + "<SecretAccessKey>" + Xml.escape(issued.secretAccessKey()) + "</SecretAccessKey>"
                + "<SessionToken>" + Xml.escape(issued.sessionToken()) + "</SessionToken>"
                + "<Expiration>" + DateTimeFormatter.ISO_INSTANT.format(issued.session().expiresAt().truncatedTo(ChronoUnit.MILLIS))
                + "</Expiration>"
                + "</Credentials>";
    }

    private static String assumedRoleUserXml(RoleSession session) {
        return "<AssumedRoleUser><AssumedRoleId>" + Xml.escape(roleUserId(session)) + "</AssumedRoleId>"
                + "<Arn>" + Xml.escape(session.assumedRoleArn()) + "</Arn></AssumedRoleUser>";
    }

    /** STS names the provider by the issuer's host and path, without the scheme. */
    private static String providerName(String issuer) {
        try {
            URI uri = URI.create(issuer);
            return uri.getHost() == null ? issuer : uri.getHost() + (uri.getPath() == null ? "" : uri.getPath());
        } catch (IllegalArgumentException e) {
            return issuer;
        }
    }

    private static String sessionName(Map<String, String> parameters) {
        String name = required(parameters, "RoleSessionName");
        if (!SESSION_NAME.matcher(name).matches()) {
            throw validation("Value '" + name + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy "
                    + "regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
        }
        return name;
    }

    private static Duration duration(Map<String, String> parameters) {
        String value = parameters.get("DurationSeconds");
        if (value == null) {
            return DEFAULT_DURATION;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw validation("Value '" + value + "' at 'durationSeconds' is not a number");
        }
        if (seconds < 900 || seconds > 43200) {
            throw validation("Value '" + seconds + "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                    + "value " + (seconds < 900 ? "greater than or equal to 900" : "less than or equal to 43200"));
        }
        return Duration.ofSeconds(seconds);
    }

    private static String required(Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            throw validation("Value null at '" + Character.toLowerCase(name.charAt(0)) + name.substring(1)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static AwsError validation(String detail) {
        return new AwsError("ValidationError", "1 validation error detected: " + detail);
    }
}
