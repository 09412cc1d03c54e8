# shellcheck shell=bash
# Scenario: the scheduled platform-image check when the upstream base image has not changed.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

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

forget_platform_images() {
  local tag refs=()
  for tag in "$version_prefix-1.0.0" 6.0 latest; do refs+=("$registry/$platform_repository:$tag"); done
  if [[ -n $upstream_host ]]; then refs+=("$upstream_host/dotnet/runtime:$version_prefix"); fi
  remove_images "${refs[@]}"
}

bench_platform_image() {
  base_size="busybox"
  if ((base_mb > 0)); then base_size+=" + $base_mb MiB"; fi
  ecrflow_heading "Platform image, no upstream change ($rounds rounds, upstream base: $base_size)"
  ensure_upstream_registry
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
}
