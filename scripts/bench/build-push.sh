# shellcheck shell=bash
# Scenario: build and push three tags.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

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

forget_web_images() {
  remove_images "$web_repository" "$registry/$web_repository:a" "$registry/$web_repository:b" \
    "$registry/$web_repository:c" "$registry/$web_repository:one"
}

bench_build_push() {
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
}
