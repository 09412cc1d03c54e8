package io.ecrflow.testbed;

/** Escaping for the small XML documents STS answers with. */
final class Xml {

    private Xml() {}

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }
}
