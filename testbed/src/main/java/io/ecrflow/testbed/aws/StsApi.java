package io.ecrflow.testbed.aws;

import io.ecrflow.testbed.TestbedConfig;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * STS in the query protocol: form-encoded {@code Action=...} requests, XML answers in the shapes of
 * the STS API reference. New actions are one more entry in {@link #actions}.
 */
public final class StsApi {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    /** STS answers these without a signature: the web identity token is the caller's proof. */
    static final Set<String> UNSIGNED_ACTIONS = Set.of("AssumeRoleWithWebIdentity");

    /** One action: the request's parameters and the verified caller (if signed) in, the inner XML of its Result out. */
    @FunctionalInterface
    interface Action {
        String resultXml(Map<String, String> parameters, Optional<String> accessKeyId);
    }

    private final String accountId;
    private final String userName;
    private final RoleSessions sessions;
    private final Map<String, Action> actions;

    public StsApi(TestbedConfig config, RoleSessions sessions) {
        this.accountId = config.accountId();
        this.userName = config.userName();
        this.sessions = sessions;
        RoleOperations roles = new RoleOperations(config.roles(), config.identityProviders(),
                config.sessionLifetime(), sessions, this::callerArn);
        this.actions = Map.of(
                "GetCallerIdentity", this::getCallerIdentity,
                "AssumeRole", roles::assumeRole,
                "AssumeRoleWithWebIdentity", roles::assumeRoleWithWebIdentity);
    }

    Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The account a key belongs to: the role's account for issued session keys, else the testbed's own. */
    String accountOf(String accessKeyId) {
        return sessions.find(accessKeyId).map(RoleSession::accountId).orElse(accountId);
    }

    public String callerArn(String accessKeyId) {
        return sessions.find(accessKeyId).map(RoleSession::assumedRoleArn)
                .orElse("arn:aws:iam::" + accountId + ":user/" + userName);
    }

    private String getCallerIdentity(Map<String, String> parameters, Optional<String> accessKeyId) {
        String key = accessKeyId.orElseThrow();
        String userId = sessions.find(key).map(RoleOperations::roleUserId).orElseGet(() -> userIdOf(key));
        return "<Arn>" + Xml.escape(callerArn(key)) + "</Arn>"
                + "<UserId>" + Xml.escape(userId) + "</UserId>"
                + "<Account>" + accountOf(key) + "</Account>";
    }

    /** IAM user ids start with AIDA; derived from the key so one caller always gets the same id. */
    private static String userIdOf(String accessKeyId) {
        byte[] hash = SigV4Verifier.sha256(accessKeyId);
        return "AIDA" + HexFormat.of().formatHex(hash, 0, 8).toUpperCase(Locale.ROOT);
    }

    static String successXml(String action, String resultXml) {
        return "<" + action + "Response xmlns=\"" + NAMESPACE + "\">"
                + "<" + action + "Result>" + resultXml + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                + "</" + action + "Response>";
    }

    /** STS's error shape; {@code Type} is Sender for the caller's mistakes. */
    static String errorXml(AwsError error) {
        String type = error.status() >= 500 ? "Receiver" : "Sender";
        return "<ErrorResponse xmlns=\"" + NAMESPACE + "\">"
                + "<Error><Type>" + type + "</Type><Code>" + Xml.escape(error.code()) + "</Code>"
                + "<Message>" + Xml.escape(error.getMessage()) + "</Message></Error>"
                + "<RequestId>" + UUID.randomUUID() + "</RequestId>"
                + "</ErrorResponse>";
    }
}
