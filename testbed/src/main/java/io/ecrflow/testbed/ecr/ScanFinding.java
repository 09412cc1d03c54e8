package io.ecrflow.testbed.ecr;

/** One vulnerability a test makes the test bed's image scan report: as basic scanning names it. */
public record ScanFinding(String name, String severity, String packageName, String packageVersion, String fixedInVersion) {
}
