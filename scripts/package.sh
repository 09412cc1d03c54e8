#!/usr/bin/env bash
# Packages a release: builds the runner jar, stages every task with it, and writes
# dist/ecrflow.ecrflow-<version>.vsix with tfx-cli (the version pinned in package-lock.json), and beside it
# dist/ecrflow-runner.jar with dist/ecrflow-runner.jar.sha256 for CircleCI, CodeBuild and GitHub Actions.
#
#   scripts/package.sh [--jar RUNNER_JAR] [--out DIR] [--patch N] [--publisher ID]
#
#   --jar    use this runner jar instead of building one with Maven
#   --out    where the .vsix and the runner jar go (default: dist/)
#   --patch  the patch number of the extension and of every task, e.g. the CI build id, so that each
#            release raises the task versions agents cache (the sources keep theirs)
#   --publisher  your Marketplace publisher id instead of vss-extension.json's (docs/tasks/install.md)
# ECRFLOW_BUILD_DIR names Maven's output folder in each module (default: target).
# Needs Java 17 and Maven (unless --jar), Node.js 16+ and npm with access to the npm registry.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar=""
out="$repo/dist"
patch=""
publisher=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --jar) jar=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --patch) patch=$2; shift 2 ;;
    --publisher) publisher=$2; shift 2 ;;
    *) printf 'usage: %s [--jar RUNNER_JAR] [--out DIR] [--patch N] [--publisher ID]\n' "$0" >&2; exit 2 ;;
  esac
done

heading() { printf '\n==> %s\n' "$*"; }

if [[ -z $jar ]]; then
  heading "Building the runner jar (mvn package)"
  build_dir="${ECRFLOW_BUILD_DIR:-target}"
  (cd "$repo" && mvn -B -ntp -q -Decrflow.build.dir="$build_dir" -pl runner -am package -Dmaven.test.skip=true)
  jar="$repo/runner/$build_dir/ecrflow-runner.jar"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

heading "Staging the extension"
bash "$repo/scripts/stage-extension.sh" "$jar" "$stage"
if [[ -n $patch ]]; then
  node "$repo/scripts/lib/stamp-patch.js" "$stage" "$patch"
  printf 'extension and tasks stamped with patch %s\n' "$patch"
fi

heading "Installing the pinned tfx-cli (npm ci)"
(cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)

heading "Creating the .vsix"
mkdir -p "$out"
publisher_override=()
if [[ -n $publisher ]]; then
  if [[ ! $publisher =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]]; then
    printf 'A publisher id has letters, digits, - and _ only (as the Marketplace shows it): %s\n' "$publisher" >&2
    exit 2
  fi
  publisher_override=(--publisher "$publisher")
fi
"$repo/node_modules/.bin/tfx" extension create --root "$stage" --manifest-globs vss-extension.json \
  "${publisher_override[@]}" --output-path "$out" --no-prompt --no-color

heading "The runner jar for other CIs"
bash "$repo/scripts/lib/release-jar.sh" "$jar" "$out"
