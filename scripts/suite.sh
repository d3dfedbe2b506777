#!/usr/bin/env bash
# The vitest suite as `npm test` runs it (see vitest.config.ts): the quick files of project
# "shared" in worker processes reused from file to file, then every other file ("isolated") in a
# process of its own. Arguments are vitest file filters (default: every file).
# Usage: scripts/suite.sh [FILTER…]
set -euo pipefail
cd "$(dirname "$0")/.."
# With filters, one project may have nothing to run; without, each must find its files.
empty_ok=(${1:+--passWithNoTests})
npx vitest run --project shared --no-isolate "${empty_ok[@]}" "$@"
npx vitest run --project isolated "${empty_ok[@]}" "$@"
