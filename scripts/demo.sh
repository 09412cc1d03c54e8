#!/usr/bin/env bash
# The main job, end to end, with no AWS account: builds examples/hello-web and pushes it with
# `ecrflow-runner build-push` to the project's ECR test server (ECR API + a registry on 127.0.0.1),
# then runs the pushed image and fetches its page.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh

# AWS's documented example keys: the test server accepts them, AWS itself never would.
# They reach the runner through its environment only, as a pipeline's service connection does.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE

repository=examples/hello-web
runner_output="$ECRFLOW_STATE_DIR/demo-output.txt"
container=""

# Leaves nothing running but the Docker Engine (which later runs reuse).
# shellcheck disable=SC2317 # run by the EXIT trap
stop_demo() {
  if [[ -n $container ]]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  ecrflow_stop_testbed
}
trap stop_demo EXIT
trap 'exit 130' INT TERM

ecrflow_prepare_test_bed --classic-only

ecrflow_heading "Building the runner and the ECR test server (mvn package)"
mvn -B -ntp -q -DskipTests package

ecrflow_heading "Starting the ECR test server"
ecrflow_start_testbed testbed/target/ecrflow-testbed.jar "$ECRFLOW_STATE_DIR"

ecrflow_heading "ecrflow-runner build-push"
java -jar runner/target/ecrflow-runner.jar build-push \
  --repository "$repository" \
  --context examples/hello-web \
  --tags "latest,demo-$(date +%s)" \
  --build-args APP_VERSION=demo </dev/null | tee "$runner_output"

# Outside Azure Pipelines the runner prints its outputs as NAME=value lines.
output() { grep -m1 "^$1=" "$runner_output" | cut -d= -f2- | tr -d '\r'; }
image_uri="$(output imageUri)"
image_digest="$(output imageDigest)"
[[ -n $image_uri && -n $image_digest ]] ||
  ecrflow_die "the runner printed no imageUri/imageDigest lines (output: $runner_output)"

ecrflow_heading "Pushed"
ecrflow_info "image URI:    $image_uri"
ecrflow_info "image digest: $image_digest"

ecrflow_heading "Pulling it back by digest with \`ecrflow-runner login\`, and running it"
# Forget the local copies, so the pull below must fetch the image from the registry.
# (The engine knows the image by its first tag only: every other tag was written in the registry.)
IFS=, read -r -a pushed_uris <<<"$(output imageUris)"
for uri in "${pushed_uris[@]}"; do
  if docker image inspect "$uri" >/dev/null 2>&1; then docker rmi "$uri" >/dev/null; fi
done
login_output="$(java -jar runner/target/ecrflow-runner.jar login)"
docker_config="$(sed -n 's/^dockerConfig=//p' <<<"$login_output")"
[[ -n $docker_config ]] || ecrflow_die "the runner's login printed no dockerConfig line"
DOCKER_CONFIG="$docker_config" docker pull --quiet "$image_digest"
java -jar runner/target/ecrflow-runner.jar logout --docker-config "$docker_config" >/dev/null
pushed_ref="$image_digest"
container="$(docker run --rm -d -p 127.0.0.1:0:8080 "$pushed_ref")"
address="$(docker port "$container" 8080/tcp | head -n 1)"
for ((second = 0; second < 10; second++)); do
  if page="$(busybox wget -qO- "http://$address/" 2>/dev/null)"; then
    ecrflow_info "GET http://$address/ answered:"
    printf '%s\n' "$page" | sed 's/^/    | /'
    exit 0
  fi
  sleep 1
done
ecrflow_die "the app in $pushed_ref did not answer on http://$address/"
