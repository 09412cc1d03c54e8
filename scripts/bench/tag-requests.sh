# shellcheck shell=bash
# Scenario: what each extra tag costs at the registry, counted by the test server.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

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

bench_tag_requests() {
  ecrflow_heading "Registry requests per extra tag (counted at the test server)"
  count_per_extra_tag
}
