#!/usr/bin/env bash
# Runs every test: prepares the test bed (Debian packages, a Docker Engine, the local base image),
# then `mvn verify` from the repository root. Extra arguments go to Maven; exits with Maven's code.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/testbed-services.sh
source scripts/lib/testbed-services.sh

ecrflow_heading "Debian packages (${ECRFLOW_PACKAGES[*]})"
ecrflow_ensure_packages

ecrflow_heading "Docker Engine"
ecrflow_ensure_engine

ecrflow_heading "Base image $ECRFLOW_BASE_IMAGE"
ecrflow_base_image

ecrflow_heading "mvn verify"
exec mvn -B -ntp verify "$@"
