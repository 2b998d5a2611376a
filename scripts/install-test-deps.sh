#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; needs root): the lab's, plus chromium for the
# service's browser test, apt-utils to build the apt module's test repository, git, and a kubectl
# (Debian's, when none is installed) for README's kubectl commands against the rehearsal.
set -euo pipefail
extra=(git chromium apt-utils)
command -v kubectl >/dev/null || extra+=(kubernetes-client)
exec bash "$(dirname "$0")/install-lab-deps.sh" "${extra[@]}"
