package io.ecrflow.tagging;

import io.ecrflow.UserError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code KEY=value} items (build arguments, labels); the value may itself contain '='. */
public final class KeyValues {
    private KeyValues() {
    }

    /**
     * Parses items in order; a later item with the same key wins, as with repeated
     * {@code docker build --build-arg}.
     *
     * @param inputName the input the items came from, named in the error for a malformed item
     */
    public static Map<String, String> parse(List<String> items, String inputName) {
        Map<String, String> pairs = new LinkedHashMap<>();
        String previousKey = null;
        for (String item : items) {
            int equals = item.indexOf('=');
            String key = equals < 0 ? "" : item.substring(0, equals).trim();
            if (key.isEmpty() && equals < 0 && previousKey != null) {
                // most likely the rest of the previous value, cut at a comma: a value may be a credential, never shown
                throw new UserError("Input " + inputName + " has an item without '=' after " + previousKey + "=...: a value "
                        + "cannot hold a comma (items are separated by commas and new lines), or the item lacks its =value. "
                        + "Write each item as KEY=value.", inputName);
            }
            if (key.isEmpty()) {
                // Only the part before '=' is shown: a value may be a credential.
                String shown = equals < 0 ? item : "=...";
                throw new UserError("Input " + inputName + " has '" + shown
                        + "', which is not KEY=value. Write each item as KEY=value, separated by commas or new lines.",
                        inputName);
            }
            pairs.put(key, item.substring(equals + 1));
            previousKey = key;
        }
        return Collections.unmodifiableMap(pairs);
    }
}
