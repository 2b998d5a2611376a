#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; needs root): the lab's, plus chromium for the
# service's browser test, apt-utils to build the apt module's test repository, and git.
set -euo pipefail
exec bash "$(dirname "$0")/install-lab-deps.sh" git chromium apt-utils
