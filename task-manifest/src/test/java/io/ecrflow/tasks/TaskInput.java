package io.ecrflow.tasks;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One entry of a task.json {@code inputs} array. */
record TaskInput(String name, String type, String label, String defaultValue, boolean required, Optional<String> groupName,
        Optional<String> visibleRule, Map<String, String> options, String helpMarkDown, List<String> aliases) {

    boolean isConnection() {
        return type.startsWith("connectedService:");
    }

    boolean isBoolean() {
        return type.equals("boolean");
    }

    boolean isPickList() {
        return type.equals("pickList");
    }

    /** The environment variable the agent passes the input in. */
    String environmentName() {
        return "INPUT_" + name.toUpperCase(java.util.Locale.ROOT);
    }
}
