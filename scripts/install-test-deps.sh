#!/usr/bin/env bash
# What the tests need beyond npm packages: Debian's Chromium for the console's end-to-end tests
# (driven by playwright-core; no browser is ever downloaded from elsewhere).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
