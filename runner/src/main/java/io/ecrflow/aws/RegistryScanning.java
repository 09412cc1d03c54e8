package io.ecrflow.aws;

/**
 * How ECR scans a repository's images, as the registry's scanning configuration says
 * (GetRegistryScanningConfiguration): basic scanning, or enhanced scanning by Amazon Inspector when the registry's
 * scan type is ENHANCED and a rule's repository filter takes the repository in.
 */
public enum RegistryScanning {
    BASIC,
    ENHANCED,
    /** The configuration could not be read (no ecr:GetRegistryScanningConfiguration, or another account's registry). */
    UNKNOWN
}
