#!/usr/bin/env bash
# Runs every test: prepares the test bed (Debian packages, a Docker Engine, the local base image),
# runs the README's demo, then `mvn verify` from the repository root. Extra arguments go to Maven; exits with Maven's code.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh

ecrflow_prepare_test_bed

# The README's first command is checked too: it must work wherever the tests pass.
ecrflow_heading "scripts/demo.sh"
bash scripts/demo.sh

ecrflow_heading "mvn verify"
exec mvn -B -ntp verify "$@"
