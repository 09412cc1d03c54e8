# shellcheck shell=bash
# Scenario: a cold agent (no images, no build cache, as a Microsoft-hosted agent starts every job)
# rebuilds an unchanged Dockerfile whose one expensive step takes --expensive-seconds.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

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

forget_cache_images() {
  local refs=() ref
  while read -r ref; do refs+=("$ref"); done < <(docker image ls --format '{{.Repository}}:{{.Tag}}' "$registry/$cache_repository")
  if ((${#refs[@]} > 0)); then remove_images "${refs[@]}"; fi
}

bench_registry_cache() {
  ecrflow_heading "Cold agent, registry cache or not ($rounds rounds, an expensive step of $expensive_seconds s; prunes the engine's build cache)"
  write_cache_context
  cache_round with-cache prime
  grep -q 'cache' "$logs/cache-with-cache-prime.log" || ecrflow_die "build-push printed nothing about the registry cache (log: $logs/cache-with-cache-prime.log)"
  ecrflow_info "the first run filled the registry cache ($cache_repository:buildcache), not timed"
  timed_rounds cache cache_round with-cache without-cache
  forget_cache_images
}
