# shellcheck shell=bash
# The tables: the medians side by side, each ratio with its target and whether it is met. Sourced by scripts/bench.sh.

print_results() {
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
}
