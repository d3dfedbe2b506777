#!/usr/bin/env bash
# `npm run demo`: sets up what is missing, then runs examples/integration-demo.ts on the embedded
# pool simulator (or on a real pool when BIOXEN_XAPI_URL and friends are set; see docs/examples.md):
# a VM from a template, the bioxen-seq rock from a local rocks server, GC content and k-mers of
# examples/data/sample.fasta, then everything removed again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
exec node_modules/.bin/tsx examples/integration-demo.ts
