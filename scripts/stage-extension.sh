#!/usr/bin/env bash
# Lays out the Azure DevOps extension in a staging folder, exactly as the .vsix holds it: the
# extension manifest, its icon and overview, and one self-contained folder per task (task.json,
# icon, entry scripts, the shared launcher and the runner jar). Nothing is written to the sources.
#
#   scripts/stage-extension.sh RUNNER_JAR STAGE_DIR
#
# STAGE_DIR must not exist yet or be empty. The agent emulation tests stage with this script too.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  printf 'usage: %s RUNNER_JAR STAGE_DIR\n' "$0" >&2
  exit 2
fi
jar=$1
stage=$2
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

[[ -f $jar ]] || { printf 'error: runner jar not found: %s\n' "$jar" >&2; exit 1; }
if [[ -d $stage ]] && [[ -n "$(ls -A "$stage")" ]]; then
  printf 'error: staging folder is not empty: %s\n' "$stage" >&2
  exit 1
fi

mkdir -p "$stage/task-manifest/extension"
cp "$repo/vss-extension.json" "$stage/"
cp "$repo/task-manifest/extension/icon.png" "$repo/task-manifest/extension/overview.md" "$stage/task-manifest/extension/"

staged=0
for manifest in "$repo"/task-manifest/*/task.json; do
  source_dir="$(dirname "$manifest")"
  task_dir="$stage/task-manifest/$(basename "$source_dir")"
  mkdir -p "$task_dir"
  cp "$source_dir"/task.json "$source_dir"/icon.png "$source_dir"/*.js "$task_dir/"
  # Each task folder is downloaded to the agent on its own, so each carries the launcher and the jar.
  cp "$repo/task-manifest/launcher/launcher.js" "$task_dir/"
  cp "$jar" "$task_dir/ecrflow-runner.jar"
  staged=$((staged + 1))
done
((staged > 0)) || { printf 'error: no task-manifest/*/task.json found\n' >&2; exit 1; }
printf 'staged %d tasks in %s\n' "$staged" "$stage"
