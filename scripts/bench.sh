#!/usr/bin/env bash
# How fast ecrflow is against the shell glue it replaces, measured side by side in one run on this
# machine, with no AWS account: the project's ECR test server and Debian's registry on 127.0.0.1.
# The baseline is the seeds' real glue: Debian's aws CLI (v2) and the docker CLI. ecrflow runs as the
# agent runs a task: Node starts the task's launcher, which starts Java with the runner; once as on a
# Microsoft-hosted agent (empty tools directory: no start-up archive) and once as on a self-hosted one
# (the archive the first step made). Each scenario runs N rounds, each tool once a round, rotating which
# goes first; the table shows medians, each ratio with its target, and whether the target is met.
# What each scenario measures and how to read it: docs/benchmark.md.
set -euo pipefail
# EPOCHREALTIME and awk must agree on the decimal point.
export LC_ALL=C

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [--rounds N] [--skip-build] [--build-dir DIR] [--java-home DIR] [--layer-mb MB]
                        [--base-mb MB] [--expensive-seconds S] [--engine classic|current]

  --rounds N             timed rounds per tool and scenario (default 3), after one untimed warm-up
  --skip-build           use the jars that are there instead of running mvn package first
  --build-dir DIR        Maven's output folder in each module (default target; -Decrflow.build.dir)
  --java-home DIR        the JDK the launcher finds on the agent (default: the java on PATH), announced
                         as hosted agents do (JAVA_HOME_<version>_X64)
  --layer-mb MB          size of the fresh random file each build adds as its last layer (default 16)
  --base-mb MB           extra random data in the upstream base image, which the platform-image
                         baseline pulls (default 0: busybox only, about 2 MB)
  --expensive-seconds S  how long the expensive build step of the registry-cache scenario takes (default 5)
  --engine E             classic: Debian 12's Docker Engine, overlay2, no buildx (default); current: Debian 13's
                         Docker Engine with containerd's image store and buildx (scripts/lib/current-engine.sh),
                         driven by both the glue and ecrflow through the docker CLI 28 with buildx
EOF
}

rounds=3
build=true
build_dir=target
java_home=""
layer_mb=16
base_mb=0
expensive_seconds=5
engine=classic
while (($# > 0)); do
  case $1 in
    --rounds | --build-dir | --java-home | --layer-mb | --base-mb | --expensive-seconds | --engine)
      (($# >= 2)) || { usage >&2; exit 2; }
      case $1 in
        --rounds) rounds=$2 ;;
        --build-dir) build_dir=$2 ;;
        --java-home) java_home=$2 ;;
        --layer-mb) layer_mb=$2 ;;
        --base-mb) base_mb=$2 ;;
        --expensive-seconds) expensive_seconds=$2 ;;
        --engine) engine=$2 ;;
      esac
      shift 2
      ;;
    --skip-build) build=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'unknown option: %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh
# One file per scenario, each defining bench_<scenario>; what they share is in common.sh, the tables in results.sh.
# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh
# shellcheck source=scripts/bench/login.sh
source scripts/bench/login.sh
# shellcheck source=scripts/bench/build-push.sh
source scripts/bench/build-push.sh
# shellcheck source=scripts/bench/tag-requests.sh
source scripts/bench/tag-requests.sh
# shellcheck source=scripts/bench/registry-cache.sh
source scripts/bench/registry-cache.sh
# shellcheck source=scripts/bench/platform-image.sh
source scripts/bench/platform-image.sh
# shellcheck source=scripts/bench/fleet.sh
source scripts/bench/fleet.sh
# shellcheck source=scripts/bench/results.sh
source scripts/bench/results.sh

[[ $rounds =~ ^[1-9][0-9]*$ ]] || ecrflow_die "--rounds takes a whole number of at least 1, not '$rounds'"
[[ $layer_mb =~ ^[1-9][0-9]*$ ]] || ecrflow_die "--layer-mb takes a whole number of at least 1, not '$layer_mb'"
[[ $base_mb =~ ^[0-9]+$ ]] || ecrflow_die "--base-mb takes a whole number, not '$base_mb'"
[[ $expensive_seconds =~ ^[1-9][0-9]*$ ]] || ecrflow_die "--expensive-seconds takes a whole number of at least 1, not '$expensive_seconds'"
[[ $engine == classic || $engine == current ]] || ecrflow_die "--engine takes classic or current, not '$engine'"
[[ $build_dir =~ ^[A-Za-z0-9._-]+$ ]] || ecrflow_die "--build-dir takes a folder name such as target, not '$build_dir'"
if [[ -n $java_home ]]; then
  [[ -x $java_home/bin/java ]] || ecrflow_die "--java-home $java_home has no bin/java"
else
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
java_major="$("$java_home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
[[ $java_major =~ ^[0-9]+$ ]] || ecrflow_die "could not read the version of $java_home/bin/java"

# AWS's documented example keys: the test server accepts them, AWS itself never would. They reach the
# runner, the aws CLI and the test server through their environment only, never a command line.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE
# No pager, no prompts: the aws CLI as a pipeline step runs it.
export AWS_PAGER="" AWS_CLI_AUTO_PROMPT=off

runner_jar="$PWD/runner/$build_dir/ecrflow-runner.jar"
testbed_jar="$PWD/testbed/$build_dir/ecrflow-testbed.jar"
web_repository=bench/web
cache_repository=bench/cached
platform_repository=bench/runtime
fleet_repository=bench/fleet
fleet_base_repository=dotnet/fleet-base
fleet_size=20
version_prefix=6.0-bullseye-slim

logs="$ECRFLOW_STATE_DIR/bench"
work=""
upstream_pid=""
upstream_host=""
registry=""
aws_cli=""
docker_configs=()
trap stop_bench EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------

if [[ $engine == current ]]; then
  ecrflow_prepare_test_bed
  # Every docker command below, the glue's and the runner's, goes to the current engine through the CLI its buildx
  # plugin works with; a docker config of the glue's own gets the plugin folder too, as an agent's config has it.
  export DOCKER_HOST=$ECRFLOW_CURRENT_DOCKER_HOST DOCKER_CONFIG=$ECRFLOW_CURRENT_DOCKER_CONFIG
  export ECRFLOW_DOCKER_CLI=$ECRFLOW_CURRENT_DOCKER_CLI
  docker() {
    [[ -e $DOCKER_CONFIG/cli-plugins ]] || ln -s "$ECRFLOW_CURRENT_DOCKER_CONFIG/cli-plugins" "$DOCKER_CONFIG/cli-plugins"
    "$ECRFLOW_CURRENT_DOCKER_CLI" "$@"
  }
else
  ecrflow_prepare_test_bed --classic-only
fi

ecrflow_heading "The seeds' tools: Debian's aws CLI (awscli); jq and curl to read the test server's request log"
ensure_aws_cli
command -v node >/dev/null || ecrflow_die "Node.js (16 or later) runs the tasks' launcher; install it"

if [[ $build == true ]]; then
  ecrflow_heading "Building the runner and the ECR test server (mvn package)"
  mvn -B -ntp -q -DskipTests -Decrflow.build.dir="$build_dir" package
fi
[[ -f $runner_jar ]] || ecrflow_die "$runner_jar is missing; run without --skip-build"

work="$(mktemp -d "${TMPDIR:-/tmp}/ecrflow-bench.XXXXXX")"
rm -rf "$logs"
mkdir -p "$logs" "$work/agent-temp"
stage_tasks
ecrflow_info "ecrflow runs as the agent runs its tasks: node, the launcher, Java $java_major ($java_home)"

ecrflow_heading "Starting the ECR test server"
ecrflow_start_testbed "$testbed_jar" "$work/testbed"
registry=$ECRFLOW_TESTBED_REGISTRY

bench_login
bench_build_push
bench_tag_requests
bench_registry_cache
bench_platform_image
bench_fleet

# ---------------------------------------------------------------------------------------------------

print_results
