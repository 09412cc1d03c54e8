# shellcheck shell=bash
# What every benchmark scenario shares: the tools (the aws CLI, the task steps as the agent runs them, timing),
# the seeds' glue, the upstream registry, and the rounds that put the tools side by side. Sourced by scripts/bench.sh.

# Leaves nothing running but the Docker Engine (which later runs reuse); scripts/bench.sh traps EXIT with it.
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
    cp task-manifest/launcher/*.js task-manifest/$task/index.js task-manifest/$task/task.json "$work/tasks/$task/"
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
# The upstream registry.

# A second Debian docker-registry on a free loopback port with its own storage, standing in for a
# public registry such as MCR, over HTTPS with the test CA; started once, by the first scenario that needs it.
ensure_upstream_registry() {
  if [[ -n $upstream_host ]]; then return 0; fi
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

# epoch_seconds TIME: seconds since the epoch of an ISO-8601 time with Z or an offset (a fraction of a second is
# dropped), read with jq: GNU date's -d is not everywhere (BSD and busybox date have none).
epoch_seconds() {
  jq -rn --arg t "$1" '
    ($t | capture("^(?<s>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\\.[0-9]+)?(?<z>Z|[+-][0-9]{2}:?[0-9]{2})$")) as $m
    | ($m.s + "Z" | fromdateiso8601)
      - (if $m.z == "Z" then 0
         else ($m.z | (if .[0:1] == "-" then -1 else 1 end) * ((.[1:3] | tonumber) * 3600 + (.[-2:] | tonumber) * 60))
         end)'
}

# ---------------------------------------------------------------------------------------------------
# Side by side, and the results.

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
