#!/usr/bin/env bash
# Runs every test: prepares the test bed (Debian packages, the classic and the current Docker Engine,
# the local base image), runs the README's demo, then `mvn verify` from the repository root. Extra
# arguments go to Maven; exits with Maven's code. At the end, failed or not, it stops the current
# engine and the classic one if it started it: CI removes the checkout afterwards, so nothing this
# script started may be left running, nor anything mounted under the checkout.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh

trap ecrflow_stop_engines EXIT
trap 'exit 130' INT TERM

ecrflow_prepare_test_bed

# The README's first command is checked too: it must work wherever the tests pass.
ecrflow_heading "scripts/demo.sh"
bash scripts/demo.sh

ecrflow_heading "mvn verify"
status=0
mvn -B -ntp verify "$@" || status=$?
exit "$status"
