package io.ecrflow.testbed.aws;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Quoting for the few JSON bodies written by hand. */
public final class JsonText {

    private JsonText() {}

    public static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
