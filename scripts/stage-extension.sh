#!/usr/bin/env bash
# Lays out the Azure DevOps extension in a staging folder, exactly as the .vsix holds it: the
# extension manifest, its icon and overview, and one self-contained folder per task (task.json,
# icon, entry scripts, the shared launcher and the runner). Nothing is written to the sources.
#
# Each task folder holds the runner as ecrflow-runner.jar.br: the jar with its entries stored, then
# compressed as one Brotli stream, which is less than half the jar's size. Every task carries its own
# copy, so this keeps the .vsix within the Marketplace's size limit. The launcher unpacks it on the
# agent the first time the task runs. Needs the JDK's jar tool and Node.js.
#
#   scripts/stage-extension.sh RUNNER_JAR STAGE_DIR
#
# STAGE_DIR must not exist yet or be empty. The agent emulation tests stage with this script too.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  printf 'usage: %s RUNNER_JAR STAGE_DIR\n' "$0" >&2
  exit 2
fi
runner_jar="$(realpath "$1")"
stage=$2
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

[[ -f $runner_jar ]] || { printf 'error: runner jar not found: %s\n' "$1" >&2; exit 1; }
if [[ -d $stage ]] && [[ -n "$(ls -A "$stage")" ]]; then
  printf 'error: staging folder is not empty: %s\n' "$stage" >&2
  exit 1
fi

# The JDK's jar tool: from JAVA_HOME, else next to the java on PATH.
jar_tool="${JAVA_HOME:+$JAVA_HOME/bin/jar}"
if [[ ! -x $jar_tool ]]; then
  jar_tool="$(dirname "$(readlink -f "$(command -v java)")")/jar"
fi
[[ -x $jar_tool ]] || { printf "error: the JDK's jar tool was not found: set JAVA_HOME to a JDK 17+\n" >&2; exit 1; }

packing="$(mktemp -d)"
trap 'rm -rf "$packing"' EXIT
mkdir -p "$packing/classes"
(cd "$packing/classes" && "$jar_tool" --extract --file "$runner_jar")
"$jar_tool" --create --no-compress --no-manifest --file "$packing/stored.jar" -C "$packing/classes" .
node "$repo/scripts/lib/compress-runner.js" "$packing/stored.jar" "$packing/ecrflow-runner.jar.br"

mkdir -p "$stage/task-manifest/extension"
cp "$repo/vss-extension.json" "$stage/"
cp "$repo/task-manifest/extension/icon.png" "$repo/task-manifest/extension/overview.md" "$stage/task-manifest/extension/"

staged=0
for manifest in "$repo"/task-manifest/*/task.json; do
  source_dir="$(dirname "$manifest")"
  task_dir="$stage/task-manifest/$(basename "$source_dir")"
  mkdir -p "$task_dir"
  cp "$source_dir"/task.json "$source_dir"/icon.png "$source_dir"/*.js "$task_dir/"
  # Each task folder is downloaded to the agent on its own, so each carries the launcher (launcher.js and the
  # modules beside it) and the runner.
  cp "$repo"/task-manifest/launcher/*.js "$packing/ecrflow-runner.jar.br" "$task_dir/"
  staged=$((staged + 1))
done
((staged > 0)) || { printf 'error: no task-manifest/*/task.json found\n' >&2; exit 1; }
printf 'staged %d tasks in %s\n' "$staged" "$stage"
