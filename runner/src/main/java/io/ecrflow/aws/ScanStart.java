package io.ecrflow.aws;

/** What ECR said to StartImageScan, the request for a basic scan of one image. */
public enum ScanStart {
    /** The scan was started: its findings follow. */
    STARTED,
    /** LimitExceededException: ECR scans an image on request once a day, and a scan was started today already. */
    STARTED_EARLIER,
    /** ValidationException: the registry's scanning is enhanced, which scans on its own and takes no request. */
    ENHANCED_SCANNING,
    /** UnsupportedImageTypeException: ECR does not scan this type of image. */
    UNSUPPORTED
}
