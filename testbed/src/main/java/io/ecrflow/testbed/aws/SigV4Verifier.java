package io.ecrflow.testbed.aws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 {@code Authorization} headers the way AWS does: recomputes the
 * canonical request, string to sign and HMAC chain with the caller's secret and compares.
 * See "Create a signed AWS API request" in the IAM user guide.
 */
public final class SigV4Verifier {

    /** AWS refuses signatures dated more than 15 minutes from its own clock. */
    static final Duration ALLOWED_SKEW = Duration.ofMinutes(15);

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** {@code EXPIRED} is a signature dated too far from now; {@code EXPIRED_TOKEN} is temporary credentials past their end. */
    enum Failure {
        MISSING, MALFORMED, UNKNOWN_KEY, INVALID_TOKEN, EXPIRED_TOKEN, EXPIRED, WRONG_SERVICE, SIGNATURE_MISMATCH
    }

    /** The outcome: who signed (when it could be read) and whether the signature holds. */
    record Verdict(Optional<String> accessKeyId, Optional<String> region, Optional<Failure> failure, String detail) {
        boolean valid() {
            return failure.isEmpty();
        }
    }

    private final Map<String, AllowedCredential> credentials = new ConcurrentHashMap<>();

    private final InstantSource clock;

    /** {@code clock} tells when temporary credentials have expired. */
    public SigV4Verifier(List<AllowedCredential> allowed, InstantSource clock) {
        this.clock = clock;
        allowed.forEach(this::allow);
    }

    public void allow(AllowedCredential credential) {
        credentials.put(credential.accessKeyId(), credential);
    }

    Verdict verify(SignedRequest request, String expectedService) {
        String header = request.firstHeader("Authorization");
        if (header == null) {
            return failed(null, null, Failure.MISSING, "Missing Authentication Token");
        }
        Matcher auth = AUTHORIZATION.matcher(header);
        if (!auth.matches()) {
            return failed(null, null, Failure.MALFORMED, "Authorization header requires 'Credential', "
                    + "'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature.");
        }
        String keyId = auth.group(1);
        String scopeDate = auth.group(2);
        String region = auth.group(3);
        String service = auth.group(4);
        List<String> signedHeaders = Arrays.asList(auth.group(5).split(";"));
        String signature = auth.group(6);

        AllowedCredential credential = credentials.get(keyId);
        if (credential == null) {
            return failed(keyId, region, Failure.UNKNOWN_KEY, "The security token included in the request is invalid.");
        }
        Optional<String> token = Optional.ofNullable(request.firstHeader("X-Amz-Security-Token"));
        if (!token.equals(credential.sessionToken())) {
            return failed(keyId, region, Failure.INVALID_TOKEN, "The security token included in the request is invalid.");
        }
        if (credential.expiredAt(clock.instant())) {
            return failed(keyId, region, Failure.EXPIRED_TOKEN, "The security token included in the request is expired");
        }
        if (!service.equals(expectedService)) {
            return failed(keyId, region, Failure.WRONG_SERVICE,
                    "Credential should be scoped to correct service: '" + expectedService + "'. ");
        }
        String amzDate = request.firstHeader("X-Amz-Date");
        Optional<Instant> signedAt = parseAmzDate(amzDate);
        if (signedAt.isEmpty() || !signedHeaders.contains("host")) {
            return failed(keyId, region, Failure.MALFORMED,
                    "Signed requests need an X-Amz-Date header and a signed Host header.");
        }
        Instant now = Instant.now();
        if (Duration.between(signedAt.get(), now).abs().compareTo(ALLOWED_SKEW) > 0) {
            return failed(keyId, region, Failure.EXPIRED, "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(ALLOWED_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - 15 min.)");
        }
        if (!amzDate.startsWith(scopeDate)) {
            return failed(keyId, region, Failure.SIGNATURE_MISMATCH,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                            + scopeDate + "' != '" + amzDate.substring(0, 8) + "'");
        }
        String declaredHash = request.firstHeader("X-Amz-Content-Sha256");
        if (declaredHash != null && !declaredHash.equals("UNSIGNED-PAYLOAD")
                && !declaredHash.equals(hex(sha256(request.body())))) {
            return failed(keyId, region, Failure.SIGNATURE_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        String scope = scopeDate + "/" + region + "/" + service + "/aws4_request";
        String canonicalRequest = canonicalRequest(request, signedHeaders);
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));
        byte[] key = hmac(("AWS4" + credential.secretAccessKey()).getBytes(StandardCharsets.UTF_8), scopeDate);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return failed(keyId, region, Failure.SIGNATURE_MISMATCH, "The request signature we calculated does not "
                    + "match the signature you provided. Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.");
        }
        return new Verdict(Optional.of(keyId), Optional.of(region), Optional.empty(), "");
    }

    private static Verdict failed(String keyId, String region, Failure failure, String detail) {
        return new Verdict(Optional.ofNullable(keyId), Optional.ofNullable(region), Optional.of(failure), detail);
    }

    private static Optional<Instant> parseAmzDate(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(value, AMZ_DATE).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String canonicalRequest(SignedRequest request, List<String> signedHeaders) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = new ArrayList<>();
            for (String value : request.header(name)) {
                values.add(value.trim().replaceAll("\\s+", " "));
            }
            headers.append(name).append(':').append(String.join(",", values)).append('\n');
        }
        String payloadHash = Optional.ofNullable(request.firstHeader("X-Amz-Content-Sha256"))
                .orElseGet(() -> hex(sha256(request.body())));
        return request.method() + "\n"
                + canonicalUri(request.rawPath()) + "\n"
                + canonicalQuery(request.rawQuery()) + "\n"
                + headers + "\n"
                + String.join(";", signedHeaders) + "\n"
                + payloadHash;
    }

    /** Services other than S3 sign the path URI-encoded once more, segment by segment. */
    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder uri = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                uri.append('/');
            }
            uri.append(uriEncode(segments[i]));
        }
        return uri.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            pairs.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> joined = new ArrayList<>();
        pairs.forEach(pair -> joined.add(pair[0] + "=" + pair[1]));
        return String.join("&", joined);
    }

    /** RFC 3986 unreserved characters stay; everything else becomes %XX of its UTF-8 bytes. */
    static String uriEncode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    private static String percentDecode(String text) {
        return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
