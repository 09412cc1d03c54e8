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
    forget_cache_images
    forget_platform_images
    forget_fleet_images
  fi
  if ((${#docker_configs[@]} > 0)); then rm -rf "${docker_configs[@]}"; fi
  if [[ -n $work ]]; then rm -rf "$work"; fi
}
trap stop_bench EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------
# The tools.

# Debian's aws CLI package is the v2 CLI, as hosted agents carry it. Its own executable is used, not
# whichever `aws` comes first on PATH (a v1 CLI from pip, say).
ensure_aws_cli() {
  local packages=(awscli jq curl) missing=() pkg
  for pkg in "${packages[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]} > 0)); then
    ecrflow_info "installing: ${missing[*]}"
    ecrflow_as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get update -qq
    ecrflow_as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
      apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  aws_cli="$(dpkg -L awscli | grep '/bin/aws$')" || ecrflow_die "the awscli package has no bin/aws"
  aws_cli=${aws_cli%%$'\n'*}
  local version
  version="$("$aws_cli" --version 2>&1)"
  [[ $version == aws-cli/2.* ]] || ecrflow_die "$aws_cli is not the v2 CLI: $version"
  ecrflow_info "$version"
}

# The aws CLI against the test server. CLIs from 2.13 on also read AWS_ENDPOINT_URL_ECR; Debian 12's
# 2.9 needs the option.
aws_ecr() { "$aws_cli" ecr "$@" --endpoint-url "$AWS_ENDPOINT_URL_ECR"; }

# Task folders as the agent downloads them: launcher, entry script and task.json, with the runner jar.
stage_tasks() {
  local task
  for task in EcrLoginV1 EcrBuildPushV1 EcrPlatformImageV1; do
    mkdir -p "$work/tasks/$task"
    cp task-manifest/launcher/launcher.js task-manifest/$task/index.js task-manifest/$task/task.json "$work/tasks/$task/"
    ln -s "$runner_jar" "$work/tasks/$task/ecrflow-runner.jar"
  done
}

# task AGENT TASK INPUT=VALUE...: one task step as the agent runs it, on a Microsoft-hosted agent
# (hosted: the tools directory is new every job) or a self-hosted one (self-hosted: it is kept).
# Inputs travel as INPUT_<NAME> variables, as the agent passes them.
task() {
  local agent=$1 task=$2 self_hosted=0 tools="$work/tools-hosted"
  shift 2
  if [[ $agent == self-hosted ]]; then self_hosted=1; tools="$work/tools-self-hosted"; else rm -rf "$tools"; fi
  mkdir -p "$tools"
  env "JAVA_HOME_${java_major}_X64=$java_home" AGENT_TOOLSDIRECTORY="$tools" AGENT_ISSELFHOSTED="$self_hosted" \
    AGENT_TEMPDIRECTORY="$work/agent-temp" "$@" node "$work/tasks/$task/index.js" </dev/null
}

# Removes local images by name together with every other tag of the same image.
remove_images() {
  local ids
  ids="$(docker image inspect --format '{{.Id}}' "$@" 2>/dev/null | sort -u)" || true
  # shellcheck disable=SC2086 # one image id a line
  if [[ -n $ids ]]; then docker rmi -f $ids >/dev/null 2>&1 || true; fi
}
forget_web_images() {
  remove_images "$web_repository" "$registry/$web_repository:a" "$registry/$web_repository:b" \
    "$registry/$web_repository:c" "$registry/$web_repository:one"
}
forget_cache_images() {
  local refs=() ref
  while read -r ref; do refs+=("$ref"); done < <(docker image ls --format '{{.Repository}}:{{.Tag}}' "$registry/$cache_repository")
  if ((${#refs[@]} > 0)); then remove_images "${refs[@]}"; fi
}
forget_platform_images() {
  local tag refs=()
  for tag in "$version_prefix-1.0.0" 6.0 latest; do refs+=("$registry/$platform_repository:$tag"); done
  if [[ -n $upstream_host ]]; then refs+=("$upstream_host/dotnet/runtime:$version_prefix"); fi
  remove_images "${refs[@]}"
}

forget_fleet_images() {
  local refs=() i
  if [[ -z $upstream_host ]]; then return 0; fi
  for ((i = 1; i <= fleet_size; i++)); do
    refs+=("$upstream_host/$fleet_base_repository:$(fleet_tag "$i")" "$registry/$fleet_repository/$(fleet_id "$i"):latest"
      "$registry/$fleet_repository/$(fleet_id "$i"):$version_prefix-1.0.0")
  done
  remove_images "${refs[@]}"
}

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

# Docker configs the runner's login wrote (it prints their folder), removed at the end.
remember_docker_config() {
  local config
  config="$(sed -n 's/^dockerConfig=//p' "$1" | tail -n 1)"
  if [[ -n $config ]]; then docker_configs+=("$config"); fi
}

# ---------------------------------------------------------------------------------------------------
# The seeds' glue, step by step.

glue_config=""
# aws ecr get-login-password | docker login --password-stdin, into a docker config of its own.
glue_login() {
  glue_config="$(mktemp -d "$work/glue-docker.XXXXXX")"
  aws_ecr get-login-password | DOCKER_CONFIG=$glue_config docker login --username AWS --password-stdin "$registry"
}

# "If the repository is missing, create it."
glue_ensure_repository() {
  aws_ecr describe-repositories --repository-names "$1" >/dev/null 2>&1 ||
    aws_ecr create-repository --repository-name "$1" >/dev/null
}

# ---------------------------------------------------------------------------------------------------
# Scenario: build and push three tags.

# A copy of examples/hello-web whose last layer is a fresh random file, so that no build reuses the
# previous round's last layer and every push uploads a new one of the same size for every tool.
fresh_web_context() {
  local context="$work/contexts/$1"
  mkdir -p "$work/contexts"
  cp -R examples/hello-web "$context"
  printf '\n# bench: a fresh layer each round\nCOPY payload.bin /www/payload.bin\n' >>"$context/Dockerfile"
  printf '!payload.bin\n' >>"$context/.dockerignore"
  head -c "$((layer_mb * 1024 * 1024))" /dev/urandom >"$context/payload.bin"
  printf '%s' "$context"
}

build_push_task() {
  task "$1" EcrBuildPushV1 INPUT_REPOSITORY="$web_repository" INPUT_CONTEXT="$2" INPUT_TAGS="${3:-a,b,c}"
}
ecrflow_hosted_build_push() { build_push_task hosted "$1"; }
ecrflow_self_hosted_build_push() { build_push_task self-hosted "$1"; }

# The seeds' glue: log in, make sure the repository exists, build, then tag and push each tag.
glue_build_push() {
  local context=$1 tag
  glue_login || return 1
  glue_ensure_repository "$web_repository" || return 1
  DOCKER_BUILDKIT=1 DOCKER_CONFIG=$glue_config docker build -t "$web_repository" "$context" || return 1
  for tag in a b c; do
    docker tag "$web_repository" "$registry/$web_repository:$tag" || return 1
    DOCKER_CONFIG=$glue_config docker push "$registry/$web_repository:$tag" || return 1
  done
}

# The least any tool can do: already logged in (not timed), build, one push.
ideal_config=""
ideal_build_push() {
  DOCKER_BUILDKIT=1 DOCKER_CONFIG=$ideal_config docker build -t "$registry/$web_repository:a" "$1" || return 1
  DOCKER_CONFIG=$ideal_config docker push "$registry/$web_repository:a"
}

build_push_round() {
  local tool=$1 label=$2 context
  context="$(fresh_web_context "$tool-$label")"
  timed "$logs/build-push-$tool-$label.log" "${tool//-/_}_build_push" "$context"
  forget_web_images
  rm -rf "$context"
}

# ---------------------------------------------------------------------------------------------------
# Scenario: the login step alone.

ecrflow_hosted_login() { task hosted EcrLoginV1; }
ecrflow_self_hosted_login() { task self-hosted EcrLoginV1; }

login_round() {
  local tool=$1 label=$2 log
  log="$logs/login-$tool-$label.log"
  timed "$log" "${tool//-/_}_login"
  remember_docker_config "$log"
  if [[ -n $glue_config ]]; then rm -rf "$glue_config"; glue_config=""; fi
}

# ---------------------------------------------------------------------------------------------------
# Scenario: what each extra tag costs at the registry, counted by the test server.

# The test server's log of registry requests (JSON), and clearing it; nothing when it keeps none.
# (HTTPS with the test CA, scripts/lib/test-tls.sh)
registry_requests() { curl -fsS --cacert "$AWS_CA_BUNDLE" "https://$registry/_testbed/registry-requests" 2>/dev/null; }
clear_registry_requests() {
  curl -fsS --cacert "$AWS_CA_BUNDLE" -X DELETE "https://$registry/_testbed/registry-requests" >/dev/null 2>&1 || true
}

# The glue's tag-and-push loop for a list of tags, logged in as glue_login left it.
glue_push_tags() {
  local context=$1 tag
  glue_login || return 1
  DOCKER_BUILDKIT=1 docker build -t "$web_repository" "$context" || return 1
  for tag in ${2//,/ }; do
    docker tag "$web_repository" "$registry/$web_repository:$tag" || return 1
    DOCKER_CONFIG=$glue_config docker push "$registry/$web_repository:$tag" || return 1
  done
}

counts_available=false
blobs_per_extra_tag=""
manifests_per_extra_tag=""
glue_blobs_per_extra_tag=""
glue_manifests_per_extra_tag=""
# count_requests TOOL TAGS: pushes a fresh image with TAGS and prints "blob-requests manifest-writes".
count_requests() {
  local tool=$1 tags=$2 context log json
  context="$(fresh_web_context "count-$tool-${tags//,/-}")"
  log="$logs/requests-$tool-${tags//,/-}.log"
  clear_registry_requests
  if [[ $tool == ecrflow ]]; then
    build_push_task hosted "$context" "$tags" >"$log" 2>&1 || { tail -n 30 "$log" >&2; ecrflow_die "build-push failed (log: $log)"; }
  else
    glue_push_tags "$context" "$tags" >"$log" 2>&1 || { tail -n 30 "$log" >&2; ecrflow_die "the glue's push failed (log: $log)"; }
  fi
  json="$(registry_requests)"
  forget_web_images
  rm -rf "$context"
  jq -r --arg repo "$web_repository" '[.[] | select(.repository == $repo)] |
    "\([.[] | select(.kind == "blob" or .kind == "upload")] | length) \([.[] | select(.kind == "manifest" and .method == "PUT")] | length)"' <<<"$json"
}

count_per_extra_tag() {
  if ! registry_requests | jq -e 'type == "array"' >/dev/null 2>&1; then
    ecrflow_info "this test server keeps no request log: the request rows stay empty"
    return 0
  fi
  counts_available=true
  local one three tool
  for tool in ecrflow glue; do
    read -r -a one <<<"$(count_requests "$tool" one)"
    read -r -a three <<<"$(count_requests "$tool" a,b,c)"
    ecrflow_info "$tool: 1 tag: ${one[0]} blob and ${one[1]} manifest requests; 3 tags: ${three[0]} and ${three[1]}"
    local blobs manifests
    blobs="$(awk -v a="${three[0]}" -v b="${one[0]}" 'BEGIN { printf "%g", (a - b) / 2 }')"
    manifests="$(awk -v a="${three[1]}" -v b="${one[1]}" 'BEGIN { printf "%g", (a - b) / 2 }')"
    if [[ $tool == ecrflow ]]; then
      blobs_per_extra_tag=$blobs manifests_per_extra_tag=$manifests
    else
      glue_blobs_per_extra_tag=$blobs glue_manifests_per_extra_tag=$manifests
    fi
  done
}

# ---------------------------------------------------------------------------------------------------
# Scenario: a cold agent (no images, no build cache, as a Microsoft-hosted agent starts every job)
# rebuilds an unchanged Dockerfile whose one expensive step takes --expensive-seconds.

write_cache_context() {
  local context="$work/cache-context"
  mkdir -p "$context"
  cp /bin/busybox "$context/busybox"
  printf 'bench\n' >"$context/index.html"
  cat >"$context/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep $expensive_seconds && echo built > /expensive.txt"]
COPY index.html /www/index.html
CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
EOF
}

cache_build_push() {
  task hosted EcrBuildPushV1 INPUT_REPOSITORY="$cache_repository" INPUT_CONTEXT="$work/cache-context" \
    INPUT_TAGS="$2" INPUT_REGISTRYCACHE="$1"
}
with_cache_build() { cache_build_push true "$1"; }
without_cache_build() { cache_build_push false "$1"; }

# Prunes the engine's whole build cache: every build on this engine starts cold after it.
make_engine_cold() {
  forget_cache_images
  docker builder prune -af >/dev/null
}

cache_round() {
  local tool=$1 label=$2
  make_engine_cold
  timed "$logs/cache-$tool-$label.log" "${tool//-/_}_build" "$tool-$label"
}

# ---------------------------------------------------------------------------------------------------
# Scenario: the scheduled platform-image check when the upstream base image has not changed.

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
  tls:
    certificate: $ECRFLOW_TESTBED_TLS/registry.pem
    key: $ECRFLOW_TESTBED_TLS/registry-key.pem
EOF
    /usr/bin/docker-registry serve "$folder/config.yml" </dev/null >"$folder/registry.log" 2>&1 &
    upstream_pid=$!
    for ((tick = 0; tick < 200; tick++)); do
      # Exited: most likely another process took the port in between.
      kill -0 "$upstream_pid" 2>/dev/null || break
      # HTTPS under the upstream's test-bed name, as the ECR test server's upstream (scripts/lib/test-tls.sh)
      if curl -fsS --cacert "$AWS_CA_BUNDLE" -o /dev/null "https://upstream.ecrflow.test:$port/v2/" 2>/dev/null; then
        upstream_host="upstream.ecrflow.test:$port"
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
  task hosted EcrPlatformImageV1 INPUT_REPOSITORY="$platform_repository" INPUT_CONTEXT="$work/platform" \
    INPUT_VERSIONPREFIX="$version_prefix" INPUT_EXTRATAGS=6.0 \
    INPUT_TESTDOCKERFILE="$work/integration-test/Dockerfile"
}

glue_decision=""
# Without a registry API client: pull the current platform image and the upstream base, then compare
# the base digest the platform image was built on with the digest the base was pulled as.
glue_platform_check() {
  local platform_ref="$registry/$platform_repository:latest" built_on pulled
  glue_login || return 1
  DOCKER_CONFIG=$glue_config docker pull "$platform_ref" || return 1
  DOCKER_CONFIG=$glue_config docker pull "$base_image" || return 1
  built_on="$(docker image inspect \
    --format '{{index .Config.Labels "org.opencontainers.image.base.digest"}}' "$platform_ref")" || return 1
  pulled="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$base_image" |
    sed -n "s|^${base_image%:*}@||p" | head -n 1)" || return 1
  printf 'built on %s, upstream now %s\n' "$built_on" "$pulled"
  if [[ -n $pulled && $built_on == "$pulled" ]]; then glue_decision=no-update; else glue_decision=update; fi
}

platform_round() {
  local tool=$1 label=$2 log
  log="$logs/platform-$tool-$label.log"
  # Start every run from the same engine: neither image is held locally, so a pull is a real one.
  forget_platform_images
  timed "$log" "${tool//-/_}_platform_check"
  if [[ -n $glue_config ]]; then rm -rf "$glue_config"; glue_config=""; fi
  if [[ $tool == ecrflow ]]; then
    grep -q '^updated=false' "$log" || ecrflow_die "platform-image did not report updated=false (log: $log)"
  elif [[ $glue_decision != no-update ]]; then
    ecrflow_die "the glue's check saw an update where there is none (log: $log)"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Scenario: the scheduled check of a fleet of platform images, none of whose bases changed upstream.

fleet_id() { printf 'img%02d' "$1"; }
fleet_tag() { printf 't%02d' "$1"; }

# Each platform image is FROM its own tag of one upstream image (one image, many tags: a push per tag).
publish_fleet_bases() {
  local context="$work/fleet-base" i
  mkdir -p "$context"
  cp /bin/busybox "$context/busybox"
  printf 'fleet %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$context/release"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY release /etc/base-release\n' >"$context/Dockerfile"
  docker build -q -t "$upstream_host/$fleet_base_repository:$(fleet_tag 1)" "$context" >/dev/null
  for ((i = 1; i <= fleet_size; i++)); do
    docker tag "$upstream_host/$fleet_base_repository:$(fleet_tag 1)" "$upstream_host/$fleet_base_repository:$(fleet_tag "$i")"
    docker push "$upstream_host/$fleet_base_repository:$(fleet_tag "$i")" >>"$logs/fleet-upstream-push.log" 2>&1 ||
      { tail -n 20 "$logs/fleet-upstream-push.log" >&2; ecrflow_die "could not push the fleet's base image"; }
  done
}

# The images file ecrflow reads, and each image's Dockerfile.
write_fleet() {
  local i id
  mkdir -p "$work/fleet"
  {
    printf 'defaults:\n  versionPrefix: %s\nimages:\n' "$version_prefix"
    for ((i = 1; i <= fleet_size; i++)); do
      id="$(fleet_id "$i")"
      mkdir -p "$work/fleet/$id"
      printf 'FROM %s:%s\nENV PLATFORM_IMAGE=%s\n' "$upstream_host/$fleet_base_repository" "$(fleet_tag "$i")" "$id" \
        >"$work/fleet/$id/Dockerfile"
      printf '  - id: %s\n    repository: %s/%s\n    context: %s\n' "$id" "$fleet_repository" "$id" "$work/fleet/$id"
    done
  } >"$work/fleet/platform-images.yml"
}

ecrflow_fleet_check() {
  task hosted EcrPlatformImageV1 INPUT_IMAGESFILE="$work/fleet/platform-images.yml"
}

# The seed's check-if-update-is-needed.sh for one image, with the same tools: when was the base image
# published upstream (curl and jq against the registry: its manifest, then its config's created date,
# where the seed asks MCR's catalog for lastModifiedDate), when was the platform image pushed to ECR
# (aws ecr describe-images, imagePushedAt of latest), and is the push the later. Compared to the second,
# not to the day as the seed does, or a base and a platform image of the same day would always differ.
glue_seed_check() {
  local id tag manifest config created pushed
  id="$(fleet_id "$1")"
  tag="$(fleet_tag "$1")"
  manifest="$(curl -fsS --cacert "$AWS_CA_BUNDLE" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "https://$upstream_host/v2/$fleet_base_repository/manifests/$tag")" || return 1
  config="$(jq -r '.config.digest' <<<"$manifest")" || return 1
  created="$(curl -fsS --cacert "$AWS_CA_BUNDLE" "https://$upstream_host/v2/$fleet_base_repository/blobs/$config" | jq -r '.created')" || return 1
  pushed="$(aws_ecr describe-images --repository-name "$fleet_repository/$id" --image-ids imageTag=latest |
    jq -r '.imageDetails[0].imagePushedAt')" || return 1
  if (($(date -d "$pushed" +%s) >= $(date -d "$created" +%s))); then
    printf '%s: no update (pushed %s, base created %s)\n' "$id" "$pushed" "$created"
  else
    printf '%s: update (pushed %s, base created %s)\n' "$id" "$pushed" "$created"
    glue_fleet_updates=$((glue_fleet_updates + 1))
  fi
}

glue_fleet_updates=0
# What a user runs without ecrflow: the seed's per-image check, once for every image of the fleet.
glue_fleet_check() {
  local i
  glue_fleet_updates=0
  for ((i = 1; i <= fleet_size; i++)); do glue_seed_check "$i" || return 1; done
}

fleet_round() {
  local tool=$1 label=$2 log
  log="$logs/fleet-$tool-$label.log"
  timed "$log" "${tool}_fleet_check"
  if [[ $tool == ecrflow ]]; then
    grep -q '^updatedImages=$' "$log" ||
      ecrflow_die "platform-image --images-file did not report updatedImages empty (log: $log)"
    [[ $(grep -c 'Decision: no update' "$log") == "$fleet_size" ]] ||
      ecrflow_die "platform-image --images-file did not decide 'no update' for all $fleet_size images (log: $log)"
  elif ((glue_fleet_updates > 0)); then
    ecrflow_die "the seed's check saw $glue_fleet_updates updates where there is none (log: $log)"
  fi
}

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

declare -A times=()
record() { times[$1]="${times[$1]:-} $2"; }

# timed_rounds SCENARIO ROUND_FUNCTION TOOL...: the timed rounds of a scenario, each tool once a round,
# the first one a round later each round.
timed_rounds() {
  local scenario=$1 round_function=$2 round i tool line
  shift 2
  local tools=("$@")
  for ((round = 1; round <= rounds; round++)); do
    line=""
    for ((i = 0; i < ${#tools[@]}; i++)); do
      tool=${tools[$(((i + round - 1) % ${#tools[@]}))]}
      "$round_function" "$tool" "$round"
      record "$scenario-$tool" "$elapsed"
      line+="$(printf '   %s %.2f s' "$tool" "$elapsed")"
    done
    ecrflow_info "round $round:$line"
  done
}

ecrflow_heading "Login step ($rounds rounds)"
login_round ecrflow-hosted warm-up
login_round ecrflow-self-hosted first
first_self_hosted_login=$elapsed
login_round glue warm-up
ecrflow_info "warm-up done, not timed (the first self-hosted step made its start-up archive: $first_self_hosted_login s)"
timed_rounds login login_round ecrflow-hosted ecrflow-self-hosted glue

ecrflow_heading "Build and push three tags ($rounds rounds, a fresh $layer_mb MiB layer each build)"
glue_login >/dev/null 2>&1 || ecrflow_die "the aws CLI could not log in to the test server"
ideal_config=$glue_config
build_push_round ecrflow-hosted warm-up
builder="$(sed -n 's/^--- Build .* (\([a-z]*\))$/\1/p' "$logs/build-push-ecrflow-hosted-warm-up.log" | head -n 1)"
build_push_round ecrflow-self-hosted first
first_self_hosted_build_push=$elapsed
build_push_round glue warm-up
build_push_round ideal warm-up
ecrflow_info "warm-up done, not timed (creates $web_repository, fills the build cache; ecrflow builds with ${builder:-?})"
timed_rounds build-push build_push_round ecrflow-hosted ecrflow-self-hosted glue ideal

ecrflow_heading "Registry requests per extra tag (counted at the test server)"
count_per_extra_tag

ecrflow_heading "Cold agent, registry cache or not ($rounds rounds, an expensive step of $expensive_seconds s; prunes the engine's build cache)"
write_cache_context
cache_round with-cache prime
grep -q 'cache' "$logs/cache-with-cache-prime.log" || ecrflow_die "build-push printed nothing about the registry cache (log: $logs/cache-with-cache-prime.log)"
ecrflow_info "the first run filled the registry cache ($cache_repository:buildcache), not timed"
timed_rounds cache cache_round with-cache without-cache
forget_cache_images

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
platform_round glue warm-up
ecrflow_info "warm-up done, not timed"
timed_rounds platform platform_round ecrflow glue
forget_platform_images

ecrflow_heading "Platform images: no-update check of $fleet_size images in one run ($rounds rounds)"
publish_fleet_bases
write_fleet
timed "$logs/fleet-first.log" ecrflow_fleet_check
[[ $(grep -c 'Decision: first version' "$logs/fleet-first.log") == "$fleet_size" ]] ||
  ecrflow_die "the first images-file run did not publish all $fleet_size images (log: $logs/fleet-first.log)"
ecrflow_info "published 1.0.0 of $fleet_size platform images in $elapsed s (not timed)"
fleet_round ecrflow warm-up
fleet_round glue warm-up
ecrflow_info "warm-up done, not timed"
timed_rounds fleet fleet_round ecrflow glue
forget_fleet_images

# ---------------------------------------------------------------------------------------------------

# shellcheck disable=SC2086 # the recorded times are space-separated
med() { median ${times[$1]}; }
# verdict VALUE OP TARGET: "met" or "NOT met".
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "NOT met" }'; }
# ratio_row NAME A B OP TARGET: the medians of two tools, A / B, the target and whether it is met.
ratio_row() {
  local name=$1 a b ratio
  a="$(med "$2")"
  b="$(med "$3")"
  ratio="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
  printf '%-58s %7.2f s %7.2f s %7s   %-7s %s\n' "$name" "$a" "$b" "$ratio" "$4 $5" "$(verdict "$ratio" "$4" "$5")"
}

ecrflow_heading "Results: medians of $rounds rounds (Java $java_major; ratio = first / second)"
printf '\n%-58s %9s %9s %7s   %-7s %s\n' "ratio" "first" "second" "ratio" "target" ""
ratio_row "build-push 3 tags, hosted agent / the glue" build-push-ecrflow-hosted build-push-glue "<=" 0.8
ratio_row "build-push 3 tags, self-hosted agent / the glue" build-push-ecrflow-self-hosted build-push-glue "<=" 0.8
ratio_row "build-push 3 tags, hosted agent / the ideal" build-push-ecrflow-hosted build-push-ideal "<=" 1.2
ratio_row "build-push 3 tags, self-hosted agent / the ideal" build-push-ecrflow-self-hosted build-push-ideal "<=" 1.2
ratio_row "login step, hosted agent / aws ... | docker login" login-ecrflow-hosted login-glue "<=" 1.0
ratio_row "login step, self-hosted agent / aws ... | docker login" login-ecrflow-self-hosted login-glue "<=" 1.0
ratio_row "cold agent: without the registry cache / with it" cache-without-cache cache-with-cache ">=" 3
printf '\n%-58s %9s %9s %7s   %-7s %s\n' "per extra tag, at the test server" "ecrflow" "glue" "" "target" ""
if [[ $counts_available == true ]]; then
  printf '%-58s %9s %9s %7s   %-7s %s\n' "blob requests" "$blobs_per_extra_tag" "$glue_blobs_per_extra_tag" "" "0" \
    "$(awk -v v="$blobs_per_extra_tag" 'BEGIN { print v == 0 ? "met" : "NOT met" }')"
  printf '%-58s %9s %9s %7s   %-7s %s\n' "manifest writes" "$manifests_per_extra_tag" "$glue_manifests_per_extra_tag" "" "1" \
    "$(awk -v v="$manifests_per_extra_tag" 'BEGIN { print v == 1 ? "met" : "NOT met" }')"
else
  printf '%-58s %9s\n' "blob requests, manifest writes" "not counted: this test server keeps no request log"
fi
platform="$(med platform-ecrflow)"
printf '\n%-58s %7.2f s %7.2f s %7s   %-7s %s\n' "platform-image \"no update\", hosted agent, JVM start incl." \
  "$platform" "$(med platform-glue)" "" "<= 1 s" "$(verdict "$platform" "<=" 1)"
ratio_row "platform-image $fleet_size images \"no update\", one run / $fleet_size checks" fleet-ecrflow fleet-glue "<=" 0.5
printf '%-58s %7.2f s %7.2f s\n' "first step on a self-hosted agent (makes the archive)" \
  "$first_self_hosted_login" "$first_self_hosted_build_push"
cat <<EOF

  first / second: the two tools each row compares, e.g. ecrflow / the glue. Hosted agent: the launcher
  finds no start-up archive (a new tools directory every job); self-hosted: it uses the one the first
  step made (last row: that first step's time, login and build-push).
  The glue: aws ecr get-login-password | docker login --password-stdin (alone, the login rows' second
  column), aws ecr describe-repositories || aws ecr create-repository, DOCKER_BUILDKIT=1 docker build,
  3 x (docker tag + docker push).
  The ideal: already logged in, DOCKER_BUILDKIT=1 docker build + one docker push.
  Platform image, second column: the glue that pulls the current platform image and the upstream base.
  $fleet_size images: one EcrPlatformImage@1 step with an images file (hosted agent) against the seed's
  check-if-update-is-needed.sh logic run once per image (curl + jq to the upstream registry,
  aws ecr describe-images), as $fleet_size pipelines would run it; neither builds anything.
All on 127.0.0.1 (test server, registries), with no network latency and small images; see
docs/benchmark.md for what that means for real pipelines. Each run's output: $logs
EOF
