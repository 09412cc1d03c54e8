#!/usr/bin/env bash
# Puts the runnable runner jar beside the .vsix as a release artifact, with its SHA-256 in the format
# `sha256sum -c` reads, so the CircleCI, CodeBuild and GitHub Actions set-ups can check what they download.
#
#   scripts/lib/release-jar.sh RUNNER_JAR OUT_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  printf 'usage: %s RUNNER_JAR OUT_DIR\n' "$0" >&2
  exit 2
fi
jar=$1
out=$2
if [[ ! -f $jar ]]; then
  printf 'no runner jar at %s: build it with mvn package, or pass --jar\n' "$jar" >&2
  exit 1
fi

mkdir -p "$out"
cp "$jar" "$out/ecrflow-runner.jar"
(cd "$out" && sha256sum ecrflow-runner.jar > ecrflow-runner.jar.sha256)
printf 'runner jar: %s/ecrflow-runner.jar (sha256 %s)\n' "$out" "$(cut -d' ' -f1 "$out/ecrflow-runner.jar.sha256")"
