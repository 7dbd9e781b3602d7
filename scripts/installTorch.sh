#!/usr/bin/env bash
# Debian's python3-torch with OpenBLAS (without it torch falls back to the slow reference BLAS),
# for the PyTorch tests (test/unit/torchAgreement.test.ts) and bench:anchor. Installs through
# apt-get when missing, which needs root, as CI has; elsewhere says what to install and goes on
# (the tests that need it are then skipped, and say so).
set -uo pipefail
has() { /usr/bin/python3 -c 'import torch' 2>/dev/null && ls /usr/lib/x86_64-linux-gnu | grep -q '^libopenblas'; }
has && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "installTorch: python3-torch is missing; install it (apt-get install python3-torch libopenblas0-pthread) to run the PyTorch tests" >&2
  exit 0
fi
echo "installTorch: apt-get install python3-torch libopenblas0-pthread" >&2
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 python3-torch libopenblas0-pthread >/dev/null \
  || echo "installTorch: the install failed; the PyTorch tests will be skipped" >&2
