# shellcheck shell=bash
# The test bed's second Docker Engine, the "current engine": Debian 13's dockerd with the containerd
# image store (containerd snapshotter), next to Debian 12's dockerd 20.10 (the "classic engine").
# It runs chrooted in a Debian 13 root folder that debootstrap makes once, inside a private mount
# namespace: none of its mounts ever shows in the host's mount table, and they all vanish with its
# last process. It has a bridge, an address pool, a socket, an exec-root and a data-root of its own,
# and leaves the classic engine's (docker0, /var/run/docker.sock, /var/lib/docker, /var/run/docker)
# alone.
#
# Sourced by testbed-services.sh, which defines ECRFLOW_STATE_DIR, ecrflow_info and ecrflow_die.
#   ECRFLOW_TESTBED_TLS  a folder; the engine trusts its bundle.pem (SSL_CERT_FILE) when it has one
# ecrflow_current_engine exports, for the tests:
#   ECRFLOW_CURRENT_DOCKER_HOST    unix://<root>/run/ecrflow/docker.sock
#   ECRFLOW_CURRENT_DOCKER_CONFIG  a DOCKER_CONFIG folder whose cli-plugins has Debian 13's buildx
#   ECRFLOW_CURRENT_DOCKER_CLI     a docker client >= 23 (Debian 12's 20.10 is too old for it)
# The paths below follow ECRFLOW_STATE_DIR as it is when this file is sourced.

ECRFLOW_CURRENT_DIR="$ECRFLOW_STATE_DIR/current"
ECRFLOW_CURRENT_ROOT="$ECRFLOW_CURRENT_DIR/root"
ECRFLOW_CURRENT_LOG="$ECRFLOW_CURRENT_DIR/dockerd.log"
ECRFLOW_CURRENT_SUITE=trixie
ECRFLOW_CURRENT_INCLUDE=docker.io,docker-buildx,docker-cli,containerd,ca-certificates,iptables
ECRFLOW_CURRENT_BRIDGE=ecrflow-cur0
ECRFLOW_CURRENT_BRIDGE_ADDRESS=10.213.37.1/24
ECRFLOW_CURRENT_POOL=10.214.0.0/16
# Inside the root, as the chrooted dockerd sees them.
ECRFLOW_CURRENT_SOCKET=/run/ecrflow/docker.sock
ECRFLOW_CURRENT_PIDFILE=/run/ecrflow/docker.pid
ECRFLOW_CURRENT_BUNDLE=/etc/ecrflow/bundle.pem
ECRFLOW_CURRENT_HOSTS_MARKER="# ecrflow test bed"
# Marks a root that debootstrap finished; a root without it is made again.
ECRFLOW_CURRENT_DONE=.ecrflow-debootstrap-done

# Starts the current engine, or reuses it when it answers: makes the root (once), the bridge, the
# daemon config, copies the CA bundle and the test bed's host names in, waits until it answers, sets
# up the client (ECRFLOW_CURRENT_DOCKER_*) and builds the base image in it.
ecrflow_current_engine() {
  local root=$ECRFLOW_CURRENT_ROOT
  export ECRFLOW_CURRENT_DOCKER_HOST="unix://$root$ECRFLOW_CURRENT_SOCKET"
  ecrflow_current_client
  ecrflow_current_root
  ecrflow_current_client_plugins
  ecrflow_current_engine_hosts
  if ecrflow_current_engine_answers; then
    if ecrflow_current_bundle_unchanged; then
      ecrflow_info "reusing the running current engine ($(ecrflow_current_docker version --format '{{.Server.Version}}' 2>/dev/null))"
    else
      ecrflow_info "the test bed's CA bundle changed since the current engine started; restarting it"
      ecrflow_stop_current_engine
    fi
  fi
  if ! ecrflow_current_engine_answers; then
    ecrflow_current_bridge
    ecrflow_current_daemon_config
    ecrflow_start_current_dockerd
  fi
  ecrflow_base_image ecrflow_current_docker
}

# Whether the CA bundle the running engine was started with (its copy in the root) is the test
# bed's current one, or both are absent. dockerd reads it once, so another one needs a restart.
ecrflow_current_bundle_unchanged() {
  local copy="$ECRFLOW_CURRENT_ROOT$ECRFLOW_CURRENT_BUNDLE"
  if [[ -n ${ECRFLOW_TESTBED_TLS:-} && -f $ECRFLOW_TESTBED_TLS/bundle.pem ]]; then
    cmp -s "$ECRFLOW_TESTBED_TLS/bundle.pem" "$copy"
  else
    [[ ! -e $copy ]]
  fi
}

# Runs the current engine's docker client against it: `ecrflow_current_docker info`.
ecrflow_current_docker() {
  DOCKER_HOST=$ECRFLOW_CURRENT_DOCKER_HOST DOCKER_CONFIG=$ECRFLOW_CURRENT_DOCKER_CONFIG \
    "$ECRFLOW_CURRENT_DOCKER_CLI" "$@"
}

ecrflow_current_engine_answers() { ecrflow_current_docker info >/dev/null 2>&1; }

# Picks the docker client for the current engine and exports it as ECRFLOW_CURRENT_DOCKER_CLI:
# /usr/local/bin/docker, else the first docker >= 23 on PATH. Debian 12's /usr/bin/docker (20.10,
# which ecrflow_use_debian_docker_cli puts first on PATH) is too old for it, so the choice is explicit.
ecrflow_current_client() {
  local candidate dir major
  local -a dirs candidates=(/usr/local/bin/docker)
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do candidates+=("${dir:-.}/docker"); done
  for candidate in "${candidates[@]}"; do
    [[ -x $candidate ]] || continue
    major=$("$candidate" --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p')
    if [[ -n $major ]] && ((major >= 23)); then
      export ECRFLOW_CURRENT_DOCKER_CLI="$candidate"
      return 0
    fi
  done
  ecrflow_die "no docker client >= 23 found (/usr/local/bin/docker or on PATH); the current engine needs one"
}

# Gives the client Debian 13's buildx, in a DOCKER_CONFIG folder of its own (never ~/.docker):
# cli-plugins/docker-buildx links to the root's plugin. Exports ECRFLOW_CURRENT_DOCKER_CONFIG.
ecrflow_current_client_plugins() {
  local config="$ECRFLOW_CURRENT_DIR/docker-config" plugin
  plugin="$ECRFLOW_CURRENT_ROOT/usr/libexec/docker/cli-plugins/docker-buildx"
  [[ -x $plugin ]] || ecrflow_die "$plugin is missing; remove $ECRFLOW_CURRENT_ROOT to make the root again"
  mkdir -p "$config/cli-plugins"
  ln -sfn "$plugin" "$config/cli-plugins/docker-buildx"
  export ECRFLOW_CURRENT_DOCKER_CONFIG="$config"
}

# Prints the Debian mirror this machine's apt takes bookworm from (the first deb URI of a bookworm
# source, in /etc/apt/sources.list, sources.list.d/*.list or sources.list.d/*.sources), so that the
# root comes from where the host's packages come from. Read at run time, never written down.
ecrflow_debian_mirror() {
  local file mirror
  mirror=$(
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f $file ]] && cat "$file"
    done | awk '
      { sub(/#.*/, "") }
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == "bookworm") { print $i; exit }
      }'
  )
  if [[ -z $mirror ]]; then
    mirror=$(
      for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f $file ]] && { cat "$file"; echo; }
      done | awk '
        function flush() {
          if (types ~ /(^| )deb( |$)/ && enabled != "no" && (suites " ") ~ / bookworm /) {
            split(uris, u, " ")
            if (u[1] != "") { print u[1]; found = 1; exit }
          }
          types = uris = suites = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { field = tolower($1); $1 = "" }
        field == "types:" { types = $0 }
        field == "uris:" { uris = $0 }
        field == "suites:" { suites = $0 }
        field == "enabled:" { enabled = tolower($2) }
        END { if (!found) flush() }'
    )
  fi
  case $mirror in
    http://* | https://* | file:/*) printf '%s\n' "$mirror" ;;
    *) return 1 ;;
  esac
}

# Makes the Debian 13 root folder once, with debootstrap from the machine's own mirror, and marks it
# done; a root without the mark (a run cut short) is removed and made again. debootstrap, too, runs in
# a private mount namespace, so the /proc and /sys it mounts into the root never reach the host.
ecrflow_current_root() {
  local root=$ECRFLOW_CURRENT_ROOT log="$ECRFLOW_CURRENT_DIR/debootstrap.log" mirror started
  if [[ -f $root/$ECRFLOW_CURRENT_DONE ]]; then
    ecrflow_info "reusing the Debian 13 root $root"
    return 0
  fi
  command -v debootstrap >/dev/null || ecrflow_die "debootstrap is missing; install Debian's debootstrap"
  mirror=$(ecrflow_debian_mirror) ||
    ecrflow_die "found no bookworm deb source in /etc/apt/sources.list{,.d/*} to take Debian 13 from"
  if [[ -e $root ]]; then
    if grep -qF " $root/" /proc/self/mountinfo || grep -qF " $root " /proc/self/mountinfo; then
      ecrflow_die "something is mounted under the half-made root $root; unmount it and rerun"
    fi
    ecrflow_info "removing the half-made root $root"
    ecrflow_as_root rm -rf --one-file-system "$root"
  fi
  mkdir -p "$root"
  ecrflow_info "debootstrap $ECRFLOW_CURRENT_SUITE from $mirror into $root (once, takes minutes; log: $log)"
  started=$SECONDS
  if ! ecrflow_as_root unshare --mount --propagation private -- \
    debootstrap --variant=minbase --include="$ECRFLOW_CURRENT_INCLUDE" \
    "$ECRFLOW_CURRENT_SUITE" "$root" "$mirror" </dev/null >"$log" 2>&1; then
    printf '%s\n' '--- last lines of the debootstrap log ---' >&2
    tail -n 20 "$log" >&2
    ecrflow_die "debootstrap of Debian 13 failed (full log: $log)"
  fi
  ecrflow_as_root touch "$root/$ECRFLOW_CURRENT_DONE"
  ecrflow_info "root made in $((SECONDS - started)) s"
}

# Copies the test bed's host names from the host's /etc/hosts (the lines marked "# ecrflow test
# bed", or naming an *.ecrflow.test host) into the root's /etc/hosts, in place of the ones copied
# before, so that the current engine resolves the registries the tests name.
ecrflow_current_engine_hosts() {
  local hosts="$ECRFLOW_CURRENT_ROOT/etc/hosts" pattern kept copied
  pattern="$ECRFLOW_CURRENT_HOSTS_MARKER|\\.ecrflow\\.test([[:space:]]|\$)"
  kept=$(grep -Ev -- "$pattern" "$hosts" 2>/dev/null || true)
  [[ -n $kept ]] || kept=$'127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback'
  copied=$(grep -E -- "$pattern" /etc/hosts 2>/dev/null || true)
  if [[ -n $copied ]]; then
    printf '%s\n%s\n' "$kept" "$copied" | ecrflow_as_root tee "$hosts" >/dev/null
    ecrflow_info "copied $(wc -l <<<"$copied") test bed host line(s) into $hosts"
  else
    printf '%s\n' "$kept" | ecrflow_as_root tee "$hosts" >/dev/null
  fi
}

# Creates the current engine's bridge on the host (ecrflow-cur0, 10.213.37.1/24) unless it is there,
# and brings it up. dockerd shares the host's network namespace; the bridge keeps it off docker0.
ecrflow_current_bridge() {
  local bridge=$ECRFLOW_CURRENT_BRIDGE
  if ! ip link show dev "$bridge" >/dev/null 2>&1; then
    ecrflow_as_root ip link add name "$bridge" type bridge
  fi
  if ! ip -4 addr show dev "$bridge" | grep -qF "inet $ECRFLOW_CURRENT_BRIDGE_ADDRESS "; then
    ecrflow_as_root ip addr add "$ECRFLOW_CURRENT_BRIDGE_ADDRESS" dev "$bridge"
  fi
  ecrflow_as_root ip link set dev "$bridge" up
}

# Writes the root's /etc/docker/daemon.json: the containerd image store, the bridge, no iptables
# (these machines have no netfilter to manage), and a socket, pid file, exec-root and data-root of
# its own (paths inside the root).
ecrflow_current_daemon_config() {
  ecrflow_as_root mkdir -p "$ECRFLOW_CURRENT_ROOT/etc/docker" "$ECRFLOW_CURRENT_ROOT/run/ecrflow"
  ecrflow_as_root tee "$ECRFLOW_CURRENT_ROOT/etc/docker/daemon.json" >/dev/null <<EOF
{
  "features": { "containerd-snapshotter": true },
  "hosts": ["unix://$ECRFLOW_CURRENT_SOCKET"],
  "bridge": "$ECRFLOW_CURRENT_BRIDGE",
  "iptables": false,
  "ip6tables": false,
  "default-address-pools": [{ "base": "$ECRFLOW_CURRENT_POOL", "size": 24 }],
  "exec-root": "/run/ecrflow/exec",
  "pidfile": "$ECRFLOW_CURRENT_PIDFILE",
  "data-root": "/var/lib/docker"
}
EOF
}

# Starts the chrooted dockerd in a mount namespace of its own and waits up to 60 s until it answers;
# on failure prints the end of its log, stops what it started and dies. In the namespace the root is
# bound onto itself (runc refuses a root that is not a mount point: "mount /, flags: 0x84000"), with
# /proc, /dev and /sys in it; the socket stays on the root's own file system, visible from the host.
# setsid and redirected stdio: the engine holds no terminal or pipe of the caller.
ecrflow_start_current_dockerd() {
  local root=$ECRFLOW_CURRENT_ROOT log=$ECRFLOW_CURRENT_LOG pid second
  local -a environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
  local -a sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  if [[ -n ${ECRFLOW_TESTBED_TLS:-} && -f $ECRFLOW_TESTBED_TLS/bundle.pem ]]; then
    ecrflow_as_root install -D -m 644 "$ECRFLOW_TESTBED_TLS/bundle.pem" "$root$ECRFLOW_CURRENT_BUNDLE"
    environment+=("SSL_CERT_FILE=$ECRFLOW_CURRENT_BUNDLE")
  else
    ecrflow_as_root rm -f "$root$ECRFLOW_CURRENT_BUNDLE"
  fi
  ecrflow_as_root rm -f "$root$ECRFLOW_CURRENT_SOCKET" "$root$ECRFLOW_CURRENT_PIDFILE"
  # dockerd deletes its "stale" default bridge network when it starts, and the Linux bridge with it: a store
  # left by an earlier start on another bridge would take the classic engine's docker0 away. The engine
  # keeps no network of its own worth keeping, so it always starts with none.
  ecrflow_as_root rm -f "$root/var/lib/docker/network/files/local-kv.db"
  mkdir -p "$ECRFLOW_CURRENT_DIR"
  printf '=== %s: dockerd in %s ===\n' "$(date '+%F %T')" "$root" >>"$log"
  ecrflow_info "starting Debian 13's dockerd, containerd image store (log: $log)"
  # Started directly rather than through a function so that $! is the engine (or sudo) itself:
  # env, setsid, unshare (no --fork), sh and chroot each exec the next.
  # shellcheck disable=SC2016 # $1... are the inner shell's
  "${sudo[@]}" env -i "${environment[@]}" setsid unshare --mount --propagation private -- sh -c '
    set -e
    root=$1
    shift
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    exec chroot "$root" "$@"' ecrflow-current-engine "$root" /usr/sbin/dockerd \
    </dev/null >>"$log" 2>&1 &
  pid=$!
  for ((second = 0; second < 60; second++)); do
    if ecrflow_current_engine_answers; then
      ecrflow_info "current engine is up ($(ecrflow_current_docker version --format '{{.Server.Version}}' 2>/dev/null)) at $ECRFLOW_CURRENT_DOCKER_HOST"
      return 0
    fi
    [[ -d /proc/$pid ]] || break
    sleep 1
  done
  printf '%s\n' '--- last lines of the current engine log ---' >&2
  tail -n 20 "$log" >&2
  ecrflow_stop_current_engine >&2 || true
  ecrflow_die "Debian 13's dockerd did not come up within 60 s (full log: $log)"
}

# Prints the pids of the current engine's processes: every process in the mount namespace of a
# dockerd chrooted in the root (dockerd, its containerd, the shims), or chrooted in the root itself.
ecrflow_current_engine_pids() {
  local proc pid namespaces=() namespace candidate
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    if [[ $(ecrflow_as_root readlink "$proc/root" 2>/dev/null) == "$ECRFLOW_CURRENT_ROOT" ]]; then
      namespace=$(ecrflow_as_root readlink "$proc/ns/mnt" 2>/dev/null) && namespaces+=("$namespace")
      printf '%s\n' "$pid"
    fi
  done
  [[ ${#namespaces[@]} -gt 0 ]] || return 0
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    namespace=$(ecrflow_as_root readlink "$proc/ns/mnt" 2>/dev/null) || continue
    for candidate in "${namespaces[@]}"; do
      [[ $namespace == "$candidate" ]] && printf '%s\n' "$pid"
    done
  done | sort -u
}

# Stops the current engine, if it runs: SIGTERM to dockerd (which stops its containers and its
# containerd), up to 60 s for it to go, then SIGTERM and after 10 s SIGKILL to whatever of it is left.
# Its mounts go with its mount namespace's last process. Removes the bridge. Safe when nothing runs.
ecrflow_stop_current_engine() {
  local root=$ECRFLOW_CURRENT_ROOT pid second left
  [[ -d $root ]] || return 0
  pid=$(ecrflow_as_root cat "$root$ECRFLOW_CURRENT_PIDFILE" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(ecrflow_as_root readlink "/proc/$pid/root" 2>/dev/null) == "$root" ]]; then
    ecrflow_info "stopping the current engine (dockerd $pid)"
    ecrflow_as_root kill -TERM "$pid" 2>/dev/null || true
    for ((second = 0; second < 60; second++)); do
      [[ -d /proc/$pid ]] || break
      sleep 1
    done
  fi
  left=$(ecrflow_current_engine_pids | sort -u | tr '\n' ' ')
  if [[ -n ${left// /} ]]; then
    ecrflow_info "stopping what is left of the current engine: $left"
    # shellcheck disable=SC2086 # a list of pids
    ecrflow_as_root kill -TERM $left 2>/dev/null || true
    for ((second = 0; second < 10; second++)); do
      left=$(ecrflow_current_engine_pids | tr '\n' ' ')
      [[ -n ${left// /} ]] || break
      sleep 1
    done
    # shellcheck disable=SC2086 # a list of pids
    if [[ -n ${left// /} ]]; then ecrflow_as_root kill -KILL $left 2>/dev/null || true; fi
  fi
  if ip link show dev "$ECRFLOW_CURRENT_BRIDGE" >/dev/null 2>&1; then
    ecrflow_as_root ip link delete dev "$ECRFLOW_CURRENT_BRIDGE" 2>/dev/null || true
  fi
  if grep -qF "$root" /proc/self/mountinfo; then
    printf 'warning: mounts under %s are left in the mount table:\n' "$root" >&2
    grep -F "$root" /proc/self/mountinfo >&2
    return 1
  fi
  ecrflow_as_root rm -f "$root$ECRFLOW_CURRENT_SOCKET" "$root$ECRFLOW_CURRENT_PIDFILE"
}
