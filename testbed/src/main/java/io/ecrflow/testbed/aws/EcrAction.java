package io.ecrflow.testbed.aws;

import io.ecrflow.testbed.registry.RegistryRoute;
import java.util.List;

/** The IAM actions ECR checks for a registry request, as its user guide's "Required IAM permissions" pairs them. */
public final class EcrAction {
    static final String INITIATE_LAYER_UPLOAD = "ecr:InitiateLayerUpload";
    static final String UPLOAD_LAYER_PART = "ecr:UploadLayerPart";
    static final String COMPLETE_LAYER_UPLOAD = "ecr:CompleteLayerUpload";
    static final String PUT_IMAGE = "ecr:PutImage";
    public static final String GET_DOWNLOAD_URL_FOR_LAYER = "ecr:GetDownloadUrlForLayer";

    private EcrAction() {
    }

    /** @param carriesData whether the request has a body (a PUT that also sends the last part of an upload) */
    public static List<String> of(RegistryRoute route, String method, boolean carriesData) {
        return switch (route.kind()) {
            case UPLOAD -> switch (method) {
                case "POST" -> List.of(INITIATE_LAYER_UPLOAD);
                case "PATCH" -> List.of(UPLOAD_LAYER_PART);
                case "PUT" -> carriesData ? List.of(UPLOAD_LAYER_PART, COMPLETE_LAYER_UPLOAD) : List.of(COMPLETE_LAYER_UPLOAD);
                default -> List.of();
            };
            case MANIFEST -> switch (method) {
                case "PUT" -> List.of(PUT_IMAGE);
                case "DELETE" -> List.of("ecr:BatchDeleteImage");
                default -> List.of("ecr:BatchGetImage");
            };
            case BLOB -> method.equals("HEAD") ? List.of("ecr:BatchCheckLayerAvailability") : List.of(GET_DOWNLOAD_URL_FOR_LAYER);
            case TAGS -> List.of("ecr:ListImages");
            // listing what refers to an image reads manifests
            case REFERRERS -> List.of("ecr:BatchGetImage");
        };
    }

    public static boolean isUpload(String action) {
        return action.equals(INITIATE_LAYER_UPLOAD) || action.equals(UPLOAD_LAYER_PART) || action.equals(COMPLETE_LAYER_UPLOAD);
    }
}
