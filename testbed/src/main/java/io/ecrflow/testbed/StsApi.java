package io.ecrflow.testbed;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * STS in the query protocol: form-encoded {@code Action=...} requests, XML answers in the shapes of
 * the STS API reference. New actions (AssumeRole, ...) are one more entry in {@link #actions}.
 */
final class StsApi {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    /** One action: the request's parameters and the verified caller in, the inner XML of its Result out. */
    @FunctionalInterface
    interface Action {
        String resultXml(Map<String, String> parameters, String accessKeyId);
    }

    private final String accountId;
    private final String userName;
    private final Map<String, Action> actions;

    StsApi(String accountId, String userName) {
        this.accountId = accountId;
        this.userName = userName;
        this.actions = Map.of("GetCallerIdentity", this::getCallerIdentity);
    }

    Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    private String getCallerIdentity(Map<String, String> parameters, String accessKeyId) {
        return "<Arn>" + Xml.escape("arn:aws:iam::" + accountId + ":user/" + userName) + "</Arn>"
                + "<UserId>" + userIdOf(accessKeyId) + "</UserId>"
                + "<Account>" + accountId + "</Account>";
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
