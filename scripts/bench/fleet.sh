# shellcheck shell=bash
# Scenario: the scheduled check of a fleet of platform images, none of whose bases changed upstream.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

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
  if (($(epoch_seconds "$pushed") >= $(epoch_seconds "$created"))); then
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

forget_fleet_images() {
  local refs=() i
  if [[ -z $upstream_host ]]; then return 0; fi
  for ((i = 1; i <= fleet_size; i++)); do
    refs+=("$upstream_host/$fleet_base_repository:$(fleet_tag "$i")" "$registry/$fleet_repository/$(fleet_id "$i"):latest"
      "$registry/$fleet_repository/$(fleet_id "$i"):$version_prefix-1.0.0")
  done
  remove_images "${refs[@]}"
}

bench_fleet() {
  ecrflow_heading "Platform images: no-update check of $fleet_size images in one run ($rounds rounds)"
  ensure_upstream_registry
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
}
