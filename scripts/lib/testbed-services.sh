# shellcheck shell=bash
# The services the demo, the benchmark and the tests need on a Debian 12 machine: Debian's Docker
# Engine and registry packages, a running engine (the "classic engine", Debian 12's dockerd), Debian
# 13's dockerd with the containerd image store beside it (the "current engine", current-engine.sh),
# a local busybox base image in each (no public registry needed), and the project's ECR test server.
#
# Source this file, then call the functions; sourcing alone changes nothing.
#   ECRFLOW_STATE_DIR     where logs and the docker CLI shim live (default: <repo>/.ecrflow, gitignored)
#   ECRFLOW_DOCKERD_ARGS  extra dockerd flags when an engine must be started, e.g. "--data-root /srv/docker"

ECRFLOW_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ECRFLOW_STATE_DIR="${ECRFLOW_STATE_DIR:-$ECRFLOW_REPO_ROOT/.ecrflow}"
ECRFLOW_BASE_IMAGE="ecrflow-examples/busybox:1"
ECRFLOW_PACKAGES=(docker.io docker-registry busybox-static awscli openssl debootstrap)

ecrflow_heading() { printf '\n==> %s\n' "$*"; }
ecrflow_info() { printf '    %s\n' "$*"; }
ecrflow_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/lib/current-engine.sh
source "$ECRFLOW_REPO_ROOT/scripts/lib/current-engine.sh"

# shellcheck source=scripts/lib/test-tls.sh
source "$ECRFLOW_REPO_ROOT/scripts/lib/test-tls.sh"

# Runs a command as root, through sudo when the script itself is not root.
ecrflow_as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages that are missing; touches apt only when something is.
ecrflow_ensure_packages() {
  local missing=() pkg
  for pkg in "${ECRFLOW_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    ecrflow_info "already installed: ${ECRFLOW_PACKAGES[*]}"
    return 0
  fi
  ecrflow_info "installing: ${missing[*]}"
  # No prompts: CI has no stdin. needrestart (recommended by docker.io) would otherwise ask.
  ecrflow_as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get update -qq
  ecrflow_as_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
    apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Puts Debian's docker client first on PATH (for this script and everything it starts, Maven
# included). A newer client elsewhere on PATH may lack the buildx plugin, and then every
# DOCKER_BUILDKIT=1 build fails; Debian's 20.10 client has BuildKit built in.
ecrflow_use_debian_docker_cli() {
  [[ -x /usr/bin/docker ]] || return 0
  local shim="$ECRFLOW_STATE_DIR/bin"
  mkdir -p "$shim"
  ln -sfn /usr/bin/docker "$shim/docker"
  case ":$PATH:" in
    *":$shim:"*) ;;
    *) export PATH="$shim:$PATH" ;;
  esac
  hash -r
}

ecrflow_engine_answers() { docker info >/dev/null 2>&1; }

# Reuses the engine that answers on DOCKER_HOST (default unix:///var/run/docker.sock), or starts
# Debian's dockerd in the background. An engine that was running before is never stopped.
ecrflow_ensure_engine() {
  ecrflow_use_debian_docker_cli
  command -v docker >/dev/null || ecrflow_die "no docker client found; install Debian's docker.io"
  if ecrflow_engine_answers; then
    ecrflow_info "reusing the running engine ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  mkdir -p "$ECRFLOW_STATE_DIR"
  local log="$ECRFLOW_STATE_DIR/dockerd.log"
  : >"$log"
  if ecrflow_start_dockerd overlay2 "$log"; then return 0; fi
  # overlay2 needs a backing file system that supports it (not overlayfs itself, for one);
  # dockerd then exits with "error initializing graphdriver".
  if grep -q 'error initializing graphdriver' "$log"; then
    ecrflow_info "overlay2 storage refused here; retrying with vfs (slower, works everywhere)"
    if ecrflow_start_dockerd vfs "$log"; then return 0; fi
  fi
  printf '%s\n' '--- last lines of the engine log ---' >&2
  tail -n 20 "$log" >&2
  ecrflow_die "the Docker Engine did not come up (full log: $log)." \
    "Start one yourself (dockerd) and rerun."
}

# Starts dockerd with one storage driver and waits up to 60 s for it to answer.
# Returns non-zero if it exits or never answers; one that hangs is stopped, as this started it.
ecrflow_start_dockerd() {
  local driver=$1 log=$2 pid second sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  ecrflow_info "starting dockerd (storage driver $driver; log: $log)"
  printf '=== dockerd --storage-driver=%s ===\n' "$driver" >>"$log"
  # iptables off: these machines have no netfilter to manage. setsid: a Ctrl-C in this terminal
  # must not take the engine down with it, later runs reuse it. Started directly rather than
  # through a function so that $! is the engine (or sudo) itself.
  # SSL_CERT_FILE: the engine trusts the test CA of the test bed's registries (ecrflow_test_tls) besides
  # the machine's CAs. env after sudo, which would drop it from the environment.
  # shellcheck disable=SC2086 # ECRFLOW_DOCKERD_ARGS is a list of flags
  "${sudo[@]}" env SSL_CERT_FILE="${ECRFLOW_TESTBED_TLS:?call ecrflow_test_tls first}/bundle.pem" \
    setsid dockerd --iptables=false --ip6tables=false --storage-driver="$driver" \
    ${ECRFLOW_DOCKERD_ARGS:-} </dev/null >>"$log" 2>&1 &
  pid=$!
  # Recorded so that ecrflow_stop_classic_engine stops the engine this script started, and only it.
  printf '%s\n' "$pid" >"$ECRFLOW_STATE_DIR/dockerd.pid"
  ECRFLOW_CLASSIC_ENGINE_PID=$pid
  for ((second = 0; second < 60; second++)); do
    if ecrflow_engine_answers; then
      ecrflow_info "engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  "${sudo[@]}" kill "$pid" 2>/dev/null || true
  return 1
}

# Stops the classic engine if this shell started it (ecrflow_start_dockerd; its pid is in
# $ECRFLOW_STATE_DIR/dockerd.pid) and waits up to 60 s for it to go; an engine that was running
# before is left alone. Safe to call twice.
ECRFLOW_CLASSIC_ENGINE_PID=""
ecrflow_stop_classic_engine() {
  local pid=$ECRFLOW_CLASSIC_ENGINE_PID file="$ECRFLOW_STATE_DIR/dockerd.pid" second
  [[ -n $pid ]] || return 0
  ECRFLOW_CLASSIC_ENGINE_PID=""
  if [[ $(cat "$file" 2>/dev/null) == "$pid" ]]; then rm -f "$file"; fi
  [[ -d /proc/$pid ]] || return 0
  ecrflow_info "stopping the classic engine this script started (pid $pid)"
  ecrflow_as_root kill -TERM "$pid" 2>/dev/null || true
  for ((second = 0; second < 60; second++)); do
    [[ -d /proc/$pid ]] || break
    sleep 1
  done
  if [[ -d /proc/$pid ]]; then
    printf 'warning: the classic engine (pid %s) is still running after 60 s\n' "$pid" >&2
    return 1
  fi
}

# Stops the engines a test run leaves behind: the current engine, and the classic one if this shell
# started it. For an EXIT trap: never exits, whatever fails.
ecrflow_stop_engines() {
  ecrflow_heading "Stopping the engines"
  ecrflow_stop_current_engine || true
  ecrflow_stop_classic_engine || true
}

# Builds the local base image the examples and tests start FROM: Debian's static busybox on
# scratch. Public registries are out of reach, so nothing may be pulled. Kept once built.
# Arguments: the docker command for the engine (default: docker), e.g. ecrflow_current_docker.
ecrflow_base_image() {
  local -a docker=("$@")
  [[ ${#docker[@]} -gt 0 ]] || docker=(docker)
  if "${docker[@]}" image inspect "$ECRFLOW_BASE_IMAGE" >/dev/null 2>&1; then
    ecrflow_info "$ECRFLOW_BASE_IMAGE is present"
    return 0
  fi
  [[ -x /bin/busybox ]] || ecrflow_die "/bin/busybox is missing; install Debian's busybox-static"
  local context
  context="$(mktemp -d)"
  cp /bin/busybox "$context/busybox"
  cat >"$context/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
EOF
  ecrflow_info "building $ECRFLOW_BASE_IMAGE from /bin/busybox"
  if ! "${docker[@]}" build -q -t "$ECRFLOW_BASE_IMAGE" "$context" >/dev/null; then
    rm -rf "$context"
    ecrflow_die "could not build $ECRFLOW_BASE_IMAGE"
  fi
  rm -rf "$context"
}

# Everything the tests and the demo need on the machine: packages, the classic engine, the current
# engine, the base image in each. --classic-only leaves the current engine out (the demo needs only one).
ecrflow_prepare_test_bed() {
  local current=yes option
  for option; do
    case $option in
      --classic-only) current=no ;;
      *) ecrflow_die "ecrflow_prepare_test_bed: unknown option $option" ;;
    esac
  done

  ecrflow_heading "Debian packages (${ECRFLOW_PACKAGES[*]})"
  ecrflow_ensure_packages

  # before any engine starts: dockerd reads the test CA (SSL_CERT_FILE) when it starts
  ecrflow_heading "TLS and host names of the test bed (${ECRFLOW_TESTBED_NAMES[*]})"
  ecrflow_test_tls
  ecrflow_testbed_names

  ecrflow_heading "Docker Engine"
  ecrflow_ensure_engine

  ecrflow_heading "Base image $ECRFLOW_BASE_IMAGE"
  ecrflow_base_image

  if [[ $current == yes ]]; then
    ecrflow_heading "Current engine (Debian 13's Docker Engine, containerd image store)"
    ecrflow_current_engine
  fi

  ecrflow_heading "Node.js for the tasks' handlers"
  ecrflow_node_runtimes
}

# The agent runs a task on the newest Node handler its task.json declares that the agent has, so the
# agent-emulation tests run each task on the Node major of every handler it declares (Node24 -> 24,
# Node20_1 -> 20). A major the node on PATH is not gets installed from the npm registry as the
# official binary package (node-linux-<arch>, what the `node` package itself installs), into
# $ECRFLOW_STATE_DIR/node/<major>, once; the tests look for it there.
ecrflow_node_runtimes() {
  local majors major arch folder path_major=""
  majors=$(grep -ho '"Node[0-9]*' "$ECRFLOW_REPO_ROOT"/task-manifest/*V*/task.json | sed 's/"Node//' | sort -un)
  command -v node >/dev/null 2>&1 && path_major=$(node --version | sed 's/^v\([0-9]*\).*/\1/')
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) ecrflow_die "no Node.js binary package for $(uname -m)" ;;
  esac
  for major in $majors; do
    folder="$ECRFLOW_STATE_DIR/node/$major"
    if [[ $major == "$path_major" ]]; then
      ecrflow_info "Node $major: the node on PATH"
    elif [[ -x $folder/node_modules/node-linux-$arch/bin/node ]]; then
      ecrflow_info "Node $major: $("$folder/node_modules/node-linux-$arch/bin/node" --version) in $folder"
    else
      command -v npm >/dev/null 2>&1 || ecrflow_die "npm is needed to install Node $major for the task tests"
      ecrflow_info "Node $major: installing node-linux-$arch@$major into $folder"
      mkdir -p "$folder"
      npm install --silent --no-save --no-audit --no-fund --prefix "$folder" "node-linux-$arch@$major" >/dev/null
    fi
  done
}

# Starts the project's ECR test server in the background and waits up to 60 s until it is ready,
# then exports the endpoints it wrote (AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS,
# AWS_ENDPOINT_URL_ECR_PUBLIC, ECRFLOW_TESTBED_REGISTRY) so the runner finds it the standard SDK way,
# and AWS_CA_BUNDLE, the test CA its registries' HTTPS certificate is signed by (ecrflow_test_tls).
#   $1  the test server jar (testbed/target/ecrflow-testbed.jar)
#   $2  a folder for its env file and log (testbed.env, testbed.log)
# It accepts the key in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, read from its environment. Sets
# ECRFLOW_TESTBED_PID and ECRFLOW_TESTBED_LOG; call ecrflow_stop_testbed from the caller's EXIT trap.
ECRFLOW_TESTBED_PID=""
ECRFLOW_TESTBED_ENV_FILE=""
ECRFLOW_TESTBED_LOG=""
ecrflow_start_testbed() {
  local jar=$1 folder=$2 second
  [[ -f $jar ]] || ecrflow_die "$jar is missing; build it with: mvn -B -ntp -DskipTests package"
  mkdir -p "$folder"
  ECRFLOW_TESTBED_ENV_FILE="$folder/testbed.env"
  ECRFLOW_TESTBED_LOG="$folder/testbed.log"
  rm -f "$ECRFLOW_TESTBED_ENV_FILE"
  java -jar "$jar" --env-file "$ECRFLOW_TESTBED_ENV_FILE" </dev/null >"$ECRFLOW_TESTBED_LOG" 2>&1 &
  ECRFLOW_TESTBED_PID=$!
  # The server writes the env file (whole, then moved into place) once it is ready.
  for ((second = 0; ; second++)); do
    if [[ -f $ECRFLOW_TESTBED_ENV_FILE ]] && grep -q '^AWS_ENDPOINT_URL_ECR=' "$ECRFLOW_TESTBED_ENV_FILE" &&
      grep -q '^AWS_ENDPOINT_URL_STS=' "$ECRFLOW_TESTBED_ENV_FILE" &&
      grep -q '^ECRFLOW_TESTBED_REGISTRY=' "$ECRFLOW_TESTBED_ENV_FILE"; then
      break
    fi
    if ! kill -0 "$ECRFLOW_TESTBED_PID" 2>/dev/null; then
      ecrflow_testbed_failed "the ECR test server stopped before it was ready"
    elif ((second >= 60)); then
      ecrflow_testbed_failed "the ECR test server did not become ready within 60 s"
    fi
    sleep 1
  done
  set -a
  # shellcheck source=/dev/null
  source "$ECRFLOW_TESTBED_ENV_FILE"
  set +a
  ecrflow_info "ECR API at $AWS_ENDPOINT_URL_ECR, registry at $ECRFLOW_TESTBED_REGISTRY"
}

ecrflow_testbed_failed() {
  printf '%s\n' '--- test server log ---' >&2
  tail -n 40 "$ECRFLOW_TESTBED_LOG" >&2
  ecrflow_die "$1 (log: $ECRFLOW_TESTBED_LOG)"
}

# Stops the test server ecrflow_start_testbed started (and with it its registry); safe to call twice.
ecrflow_stop_testbed() {
  if [[ -n $ECRFLOW_TESTBED_PID ]] && kill -0 "$ECRFLOW_TESTBED_PID" 2>/dev/null; then
    kill "$ECRFLOW_TESTBED_PID" 2>/dev/null || true
    wait "$ECRFLOW_TESTBED_PID" 2>/dev/null || true
  fi
  ECRFLOW_TESTBED_PID=""
  if [[ -n $ECRFLOW_TESTBED_ENV_FILE ]]; then rm -f "$ECRFLOW_TESTBED_ENV_FILE"; fi
}
