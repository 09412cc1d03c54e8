#!/usr/bin/env bash
# Runs every test: prepares the test bed (Debian packages, the classic and the current Docker Engine,
# the local base image), runs the README's demo, then `mvn verify` from the repository root: the unit
# tests, then the integration tests of the two engines side by side. Extra arguments go to Maven; exits
# with Maven's code. At the end, failed or not, it stops the current
# engine and the classic one if it started it: CI removes the checkout afterwards, so nothing this
# script started may be left running, nor anything mounted under the checkout.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh

current_pid=""
# shellcheck disable=SC2317  # called by the trap
ecrflow_test_cleanup() {
  [[ -z $current_pid ]] || kill "$current_pid" 2>/dev/null || true
  ecrflow_stop_engines
}
trap ecrflow_test_cleanup EXIT
trap 'exit 130' INT TERM

ecrflow_prepare_test_bed

# The README's first command is checked too: it must work wherever the tests pass.
ecrflow_heading "scripts/demo.sh"
bash scripts/demo.sh

# Unit tests first, and everything packaged: the two runs below then find every artifact they need in place.
ecrflow_heading "mvn verify (unit tests)"
mvn -B -ntp verify -DskipITs "$@"

# The integration tests on the two engines share nothing but the machine, and mostly wait on builds, pushes and
# registry answers: the current engine's run goes beside the rest, in a build folder of its own, its log shown
# when it ends.
current_log=runner/target-current/integration-tests.log
mkdir -p "$(dirname "$current_log")"
ecrflow_heading "mvn verify (integration tests: the current engine's beside the classic engine's and the tasks')"
mvn -B -ntp verify -pl testbed,runner -Decrflow.build.dir=target-current -Decrflow.currentOnly=true \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "$@" >"$current_log" 2>&1 &
current_pid=$!
status=0
mvn -B -ntp verify -Decrflow.classicOnly=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "$@" || status=$?
current_status=0
wait "$current_pid" || current_status=$?
current_pid=""
ecrflow_heading "The current engine's integration tests (exit $current_status)"
cat "$current_log"
((status != 0)) || status=$current_status
exit "$status"
