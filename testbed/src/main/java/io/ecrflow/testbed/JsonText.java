package io.ecrflow.testbed;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Quoting for the few JSON bodies written by hand. */
final class JsonText {

    private JsonText() {}

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
