#!/usr/bin/env bash
# How fast ecrflow is against the shell glue a user would otherwise write, measured side by side in
# one run on this machine, with no AWS account: the project's ECR test server and Debian's registry
# on 127.0.0.1. Each scenario runs N rounds per tool, alternating which goes first; the table shows
# the median seconds of each and the ratio ecrflow / baseline (below 1: ecrflow is faster).
# What each scenario measures and how to read it: docs/benchmark.md.
set -euo pipefail
# EPOCHREALTIME and awk must agree on the decimal point.
export LC_ALL=C

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [--rounds N] [--skip-build] [--build-dir DIR] [--layer-mb MB] [--base-mb MB]

  --rounds N       timed rounds per tool and scenario (default 3), after one untimed warm-up
  --skip-build     use the jars that are there instead of running mvn package first
  --build-dir DIR  Maven's output folder in each module (default target; -Decrflow.build.dir)
  --layer-mb MB    size of the fresh random file each build adds as its last layer (default 16)
  --base-mb MB     extra random data in the upstream base image, which the platform-image baseline
                   pulls (default 0: busybox only, about 2 MB)
EOF
}

rounds=3
build=true
build_dir=target
layer_mb=16
base_mb=0
while (($# > 0)); do
  case $1 in
    --rounds | --build-dir | --layer-mb | --base-mb)
      (($# >= 2)) || { usage >&2; exit 2; }
      case $1 in
        --rounds) rounds=$2 ;;
        --build-dir) build_dir=$2 ;;
        --layer-mb) layer_mb=$2 ;;
        --base-mb) base_mb=$2 ;;
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

[[ $rounds =~ ^[1-9][0-9]*$ ]] || ecrflow_die "--rounds takes a whole number of at least 1, not '$rounds'"
[[ $layer_mb =~ ^[1-9][0-9]*$ ]] || ecrflow_die "--layer-mb takes a whole number of at least 1, not '$layer_mb'"
[[ $base_mb =~ ^[0-9]+$ ]] || ecrflow_die "--base-mb takes a whole number, not '$base_mb'"
[[ $build_dir =~ ^[A-Za-z0-9._-]+$ ]] || ecrflow_die "--build-dir takes a folder name such as target, not '$build_dir'"

# AWS's documented example keys: the test server accepts them, AWS itself never would.
# They reach the runner and the test server through their environment only.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE

runner_jar="$PWD/runner/$build_dir/ecrflow-runner.jar"
testbed_jar="$PWD/testbed/$build_dir/ecrflow-testbed.jar"
web_repository=bench/web
platform_repository=bench/runtime
version_prefix=6.0-bullseye-slim

logs="$ECRFLOW_STATE_DIR/bench"
work=""
upstream_pid=""
upstream_host=""
registry=""
docker_configs=()

# Leaves nothing running but the Docker Engine (which later runs reuse).
# shellcheck disable=SC2317 # run by the EXIT trap
stop_bench() {
  set +e
  ecrflow_stop_testbed
  if [[ -n $upstream_pid ]] && kill -0 "$upstream_pid" 2>/dev/null; then
    kill "$upstream_pid" 2>/dev/null
    wait "$upstream_pid" 2>/dev/null
  fi
  if [[ -n $registry ]]; then
    forget_web_images
    forget_platform_images
  fi
  if ((${#docker_configs[@]} > 0)); then rm -rf "${docker_configs[@]}"; fi
  if [[ -n $work ]]; then rm -rf "$work"; fi
}
trap stop_bench EXIT
trap 'exit 130' INT TERM

runner() { java -jar "$runner_jar" "$@" </dev/null; }

# Removes local images by name together with every other tag of the same image.
remove_images() {
  local ids
  ids="$(docker image inspect --format '{{.Id}}' "$@" 2>/dev/null | sort -u)" || true
  # shellcheck disable=SC2086 # one image id a line
  if [[ -n $ids ]]; then docker rmi -f $ids >/dev/null 2>&1 || true; fi
}
forget_web_images() {
  remove_images "$web_repository" "$registry/$web_repository:a" "$registry/$web_repository:b" \
    "$registry/$web_repository:c"
}
forget_platform_images() {
  local tag refs=()
  for tag in "$version_prefix-1.0.0" 6.0 latest; do refs+=("$registry/$platform_repository:$tag"); done
  if [[ -n $upstream_host ]]; then refs+=("$upstream_host/dotnet/runtime:$version_prefix"); fi
  remove_images "${refs[@]}"
}

# The runner's `login`: writes a docker config holding the ECR login and prints its folder. It stands
# in for `aws ecr get-login-password | docker login --password-stdin` (there is no aws CLI here).
docker_login() {
  local output config
  output="$(runner login)" || { printf '%s\n' "$output"; return 1; }
  config="$(sed -n 's/^dockerConfig=//p' <<<"$output")"
  [[ -n $config ]] || { printf '%s\n' "$output"; return 1; }
  docker_configs+=("$config")
  login_config=$config
}
login_config=""

elapsed=""
# timed LOG COMMAND...: runs the command with its output in LOG and sets elapsed (seconds).
timed() {
  local log=$1 start end
  shift
  start=$EPOCHREALTIME
  if ! "$@" >"$log" 2>&1; then
    printf '%s\n' "--- last lines of $log ---" >&2
    tail -n 30 "$log" >&2
    ecrflow_die "$* failed (log above)"
  fi
  end=$EPOCHREALTIME
  elapsed="$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.3f", end - start }')"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Which tool goes first in a round: ecrflow in odd rounds, the baseline in even ones.
order_of_round() {
  if (($1 % 2)); then printf 'ecrflow baseline'; else printf 'baseline ecrflow'; fi
}

# ---------------------------------------------------------------------------------------------------
# Scenario 1: build and push three tags.

# A copy of examples/hello-web whose last layer is a fresh random file, so that no build reuses the
# previous round's last layer and every push uploads a new one of the same size on both sides.
fresh_web_context() {
  local context="$work/contexts/$1"
  mkdir -p "$work/contexts"
  cp -R examples/hello-web "$context"
  printf '\n# bench: a fresh layer each round\nCOPY payload.bin /www/payload.bin\n' >>"$context/Dockerfile"
  printf '!payload.bin\n' >>"$context/.dockerignore"
  head -c "$((layer_mb * 1024 * 1024))" /dev/urandom >"$context/payload.bin"
  printf '%s' "$context"
}

ecrflow_build_push() {
  runner build-push --repository "$web_repository" --context "$1" --tags a,b,c
}

# The glue of a pipeline without ecrflow: log in, build, then tag and push each tag.
baseline_build_push() {
  local context=$1 tag
  docker_login || return 1
  DOCKER_BUILDKIT=1 DOCKER_CONFIG=$login_config docker build -t "$web_repository" "$context" || return 1
  for tag in a b c; do
    DOCKER_CONFIG=$login_config docker tag "$web_repository" "$registry/$web_repository:$tag" || return 1
    DOCKER_CONFIG=$login_config docker push "$registry/$web_repository:$tag" || return 1
  done
}

build_push_round() {
  local tool=$1 label=$2 context
  context="$(fresh_web_context "$tool-$label")"
  timed "$logs/build-push-$tool-$label.log" "${tool}_build_push" "$context"
  forget_web_images
  rm -rf "$context"
}

# ---------------------------------------------------------------------------------------------------
# Scenario 2: the scheduled platform-image check when the upstream base image has not changed.

# A second Debian docker-registry on a free loopback port with its own storage, standing in for a
# public registry such as MCR. The engine uses 127.0.0.0/8 registries over plain HTTP.
start_upstream_registry() {
  local folder="$work/upstream-registry" attempt port tick
  mkdir -p "$folder/storage"
  for ((attempt = 0; attempt < 10; attempt++)); do
    port=$((20000 + RANDOM % 30000))
    # Something answers there already: try another port.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    cat >"$folder/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $folder/storage
http:
  addr: 127.0.0.1:$port
EOF
    /usr/bin/docker-registry serve "$folder/config.yml" </dev/null >"$folder/registry.log" 2>&1 &
    upstream_pid=$!
    for ((tick = 0; tick < 200; tick++)); do
      # Exited: most likely another process took the port in between.
      kill -0 "$upstream_pid" 2>/dev/null || break
      if busybox wget -q -O /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
        upstream_host="127.0.0.1:$port"
        ecrflow_info "upstream registry at $upstream_host"
        return 0
      fi
      sleep 0.1
    done
    kill "$upstream_pid" 2>/dev/null || true
    wait "$upstream_pid" 2>/dev/null || true
    upstream_pid=""
  done
  tail -n 20 "$folder/registry.log" >&2
  ecrflow_die "the upstream registry (docker-registry) did not start"
}

# The upstream base image: FROM scratch with Debian's static busybox, pushed to the upstream registry.
publish_upstream_base() {
  local context="$work/upstream-base"
  mkdir -p "$context"
  cp /bin/busybox "$context/busybox"
  printf 'bench %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$context/release"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY release /etc/base-release\n' >"$context/Dockerfile"
  if ((base_mb > 0)); then
    head -c "$((base_mb * 1024 * 1024))" /dev/urandom >"$context/runtime.bin"
    printf 'COPY runtime.bin /opt/runtime.bin\n' >>"$context/Dockerfile"
  fi
  docker build -q -t "$base_image" "$context" >/dev/null
  docker push "$base_image" >"$logs/upstream-push.log" 2>&1 ||
    { tail -n 20 "$logs/upstream-push.log" >&2; ecrflow_die "could not push $base_image"; }
}

# The platform image's Dockerfile and the integration test application built on it.
write_platform_image() {
  mkdir -p "$work/platform" "$work/integration-test"
  cat >"$work/platform/Dockerfile" <<EOF
FROM $base_image
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /app /www && echo platform > /app/platform.txt"]
ENV PORT=8080
EOF
  cat >"$work/integration-test/Dockerfile" <<EOF
FROM $platform_repository:$version_prefix
RUN ["/bin/busybox", "sh", "-c", "echo ok > /www/index.html"]
CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
EOF
}

ecrflow_platform_check() {
  runner platform-image --repository "$platform_repository" --context "$work/platform" \
    --version-prefix "$version_prefix" --extra-tags 6.0 \
    --test-dockerfile "$work/integration-test/Dockerfile"
}

baseline_decision=""
# Without a registry API client: pull the current platform image and the upstream base, then compare
# the base digest the platform image was built on with the digest the base was pulled as.
baseline_platform_check() {
  local platform_ref="$registry/$platform_repository:latest" built_on pulled
  docker_login || return 1
  DOCKER_CONFIG=$login_config docker pull "$platform_ref" || return 1
  DOCKER_CONFIG=$login_config docker pull "$base_image" || return 1
  built_on="$(docker image inspect \
    --format '{{index .Config.Labels "org.opencontainers.image.base.digest"}}' "$platform_ref")" || return 1
  pulled="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$base_image" |
    sed -n "s|^${base_image%:*}@||p" | head -n 1)" || return 1
  printf 'built on %s, upstream now %s\n' "$built_on" "$pulled"
  if [[ -n $pulled && $built_on == "$pulled" ]]; then baseline_decision=no-update; else baseline_decision=update; fi
}

platform_round() {
  local tool=$1 label=$2 log
  log="$logs/platform-$tool-$label.log"
  # Start every run from the same engine: neither image is held locally, so a pull is a real one.
  forget_platform_images
  timed "$log" "${tool}_platform_check"
  if [[ $tool == ecrflow ]]; then
    grep -q '^updated=false' "$log" || ecrflow_die "platform-image did not report updated=false (log: $log)"
  elif [[ $baseline_decision != no-update ]]; then
    ecrflow_die "the baseline check saw an update where there is none (log: $log)"
  fi
}

# ---------------------------------------------------------------------------------------------------

ecrflow_prepare_test_bed

if [[ $build == true ]]; then
  ecrflow_heading "Building the runner and the ECR test server (mvn package)"
  mvn -B -ntp -q -DskipTests -Decrflow.build.dir="$build_dir" package
fi
[[ -f $runner_jar ]] || ecrflow_die "$runner_jar is missing; run without --skip-build"

work="$(mktemp -d "${TMPDIR:-/tmp}/ecrflow-bench.XXXXXX")"
rm -rf "$logs"
mkdir -p "$logs"

ecrflow_heading "Starting the ECR test server"
ecrflow_start_testbed "$testbed_jar" "$work/testbed"
registry=$ECRFLOW_TESTBED_REGISTRY

declare -A times=()
record() { times[$1]="${times[$1]:-} $2"; }

# timed_rounds SCENARIO ROUND_FUNCTION: the timed rounds of a scenario, each tool once a round.
timed_rounds() {
  local scenario=$1 round_function=$2 round tool line
  for ((round = 1; round <= rounds; round++)); do
    line=""
    for tool in $(order_of_round "$round"); do
      "$round_function" "$tool" "$round"
      record "$scenario-$tool" "$elapsed"
      line+="$(printf '   %-8s %6.2f s' "$tool" "$elapsed")"
    done
    ecrflow_info "round $round:$line"
  done
}

ecrflow_heading "Build and push three tags ($rounds rounds, a fresh $layer_mb MiB layer each build)"
build_push_round ecrflow warm-up
builder="$(sed -n 's/^--- Build .* (\([a-z]*\))$/\1/p' "$logs/build-push-ecrflow-warm-up.log" | head -n 1)"
build_push_round baseline warm-up
ecrflow_info "warm-up done, not timed (creates $web_repository, fills the build cache; ecrflow builds with ${builder:-?})"
timed_rounds build-push build_push_round

base_size="busybox"
if ((base_mb > 0)); then base_size+=" + $base_mb MiB"; fi
ecrflow_heading "Platform image, no upstream change ($rounds rounds, upstream base: $base_size)"
start_upstream_registry
base_image="$upstream_host/dotnet/runtime:$version_prefix"
publish_upstream_base
write_platform_image
timed "$logs/platform-first.log" ecrflow_platform_check
grep -q '^updated=true' "$logs/platform-first.log" ||
  ecrflow_die "the first platform-image run published nothing (log: $logs/platform-first.log)"
ecrflow_info "published $platform_repository:$version_prefix-1.0.0 (not timed)"
platform_round ecrflow warm-up
platform_round baseline warm-up
ecrflow_info "warm-up done, not timed"
timed_rounds platform platform_round
forget_platform_images

# shellcheck disable=SC2086 # the recorded times are space-separated
row() {
  local name=$1 key=$2 ours theirs
  ours="$(median ${times[$key-ecrflow]})"
  theirs="$(median ${times[$key-baseline]})"
  printf '%-36s %7.2f s %8.2f s %7.2f\n' "$name" "$ours" "$theirs" \
    "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')"
}

ecrflow_heading "Results: median of $rounds rounds, ratio = ecrflow / baseline (below 1: ecrflow is faster)"
printf '\n%-36s %9s %10s %7s\n' scenario ecrflow baseline ratio
row "build + push 3 tags" build-push
row "platform image, no upstream change" platform
cat <<EOF

Baselines, each timed from login to result:
  build + push 3 tags: login, DOCKER_BUILDKIT=1 docker build, 3 x (docker tag + docker push);
    ecrflow: build-push (which logs in and checks the repository itself).
  platform image: login, docker pull of the current platform image (latest) and of the upstream
    base, docker image inspect: base digest label vs the base's RepoDigest; ecrflow: platform-image.
  login is the runner's \`login\` (a docker config for DOCKER_CONFIG), standing in for
    \`aws ecr get-login-password | docker login\`: there is no aws CLI here.
All on 127.0.0.1 (test server, registries), with no network latency and small images; see
docs/benchmark.md for what that means for real pipelines. Each run's output: $logs
EOF
