#!/usr/bin/env bash
# `npm run test:fresh`: sets up what is missing on a fresh Debian/Ubuntu machine, then `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec npm test
