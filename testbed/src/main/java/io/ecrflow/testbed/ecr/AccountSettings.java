package io.ecrflow.testbed.ecr;

import io.ecrflow.testbed.aws.AwsError;
import io.ecrflow.testbed.aws.Json;
import io.ecrflow.testbed.registry.RegistryFront;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The registry settings of one account that PutAccountSetting changes and GetAccountSetting reads ({@code {"name",
 * "value"}} both ways). Only {@code BLOB_MOUNTING} is modelled: {@code DISABLED} until someone enables it, as ECR has it
 * since January 2026 (cross-repository mounts are then answered with a plain upload; see {@link RegistryFront}).
 */
public final class AccountSettings {
    static final String BLOB_MOUNTING = "BLOB_MOUNTING";

    private volatile boolean blobMounting;

    public boolean blobMounting() {
        return blobMounting;
    }

    public void blobMounting(boolean enabled) {
        blobMounting = enabled;
    }

    ObjectNode put(JsonNode input, String region) {
        String name = blobMountingName(input);
        String value = Json.text(input, "value").orElseThrow(() -> AwsError.invalidParameter("value is required"));
        if (!value.equals("ENABLED") && !value.equals("DISABLED")) {
            throw AwsError.invalidParameter("Invalid value '" + value + "' for " + name + ": ENABLED or DISABLED");
        }
        blobMounting(value.equals("ENABLED"));
        return answer(name);
    }

    ObjectNode get(JsonNode input, String region) {
        return answer(blobMountingName(input));
    }

    private ObjectNode answer(String name) {
        return Json.object().put("name", name).put("value", blobMounting ? "ENABLED" : "DISABLED");
    }

    private static String blobMountingName(JsonNode input) {
        String name = Json.text(input, "name").orElseThrow(() -> AwsError.invalidParameter("name is required"));
        if (!name.equals(BLOB_MOUNTING)) {
            throw AwsError.invalidParameter("The testbed models the account setting " + BLOB_MOUNTING + " only, not '"
                    + name + "'");
        }
        return name;
    }
}
