package io.ecrflow.testbed.aws;

/** Escaping for the small XML documents STS answers with. */
final class Xml {

    private Xml() {}

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }
}
