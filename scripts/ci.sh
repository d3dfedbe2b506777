#!/usr/bin/env bash
# `npm run test:ci` (what `.ci/run` runs): three legs, each from a copy of this checkout at a fresh
# temporary path, so no other checkout on the machine can satisfy a test.
#   leg 1: this machine's Node with the lockfile — `npm run test:fresh` (installs missing system
#          packages, npm ci, build, type-check, the whole vitest suite);
#   leg 2, 3: Node 22 and Node 24 (official builds from the npm registry package node-linux-<arch>,
#          installed into the temporary folder, never system-wide, first on PATH for the leg) with
#          the newest @pulumi/pulumi that package.json allows, as `npm install bioxen-luavm` gives a
#          user; the tracked lockfile is never modified (npm ci, then npm install --no-save). They
#          type-check against that @pulumi/pulumi (dist/ is built once, by npm ci's `prepare`) and
#          run the suites whose outcome depends on the Node and @pulumi/pulumi versions
#          (VERSION_SUITES: the packed tarball, the provider host and engine, old state, SSH, XAPI,
#          Lua). A whole leg takes ~13.5 minutes on a quiet 2-core machine (Node 24, 2026-12-07:
#          813 s, the suite 745 s of it), CPU-bound on real work (the 30-VM load test, 10,000-string
#          property tests, the acceptance scenarios, luarocks, provider hosts, npm pack), so three
#          whole legs (~41 minutes) do not fit CI's 30 minutes.
#          CI_FULL_LEGS=1 runs the whole suite on every leg.
# Usage: scripts/ci.sh [LEG…]   LEG = system | 22 | 24 (default: all three, in that order).
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$PWD"
VERSION_SUITES=(test/package test/compat test/engine test/stack test/provider/xcpng-lua-vm.engine.test.ts test/provider/lua-package.engine.test.ts test/provider/vm-network.engine.test.ts test/ssh test/xapi test/lua)
legs=("$@")
[ "${#legs[@]}" -gt 0 ] || legs=(system 22 24)

say() { printf '\n==> %s\n' "$*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/bioxen-ci.XXXXXX")"
# Each leg's wall time, printed at the end whether the run is green or not (CI must stay well under 30 min).
timings=()
leg_now=""
leg_started=0
finish() {
  local status=$?
  [ -z "$leg_now" ] || timings+=("leg $leg_now: failed after $((SECONDS - leg_started)) s")
  [ "${#timings[@]}" -eq 0 ] || printf '    %s\n' "${timings[@]}" "total: $SECONDS s"
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

# A copy of the checkout's files (not node_modules, dist or .git) at "$work/$1".
copy_checkout() {
  mkdir -p "$work/$1"
  tar -C "$checkout" --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude=./.tmp -cf - . | tar -C "$work/$1" -xf -
}

# Installs the official Node build of major $1 from the npm registry into "$work/node-$1"; prints its bin folder.
install_node() {
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "ci: no node-linux-* package for $(uname -m)" >&2; return 1 ;;
  esac
  npm install --prefix "$work/node-$1" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$1" >&2
  echo "$work/node-$1/node_modules/node-linux-$arch/bin"
}

run_leg() {
  local leg="$1"
  leg_now="$leg"
  leg_started=$SECONDS
  case "$leg" in
    system)
      say "leg Node $(node --version) (this machine), lockfile: npm run test:fresh"
      copy_checkout "leg-system"
      (cd "$work/leg-system" && npm run test:fresh)
      ;;
    22|24)
      local bin pulumi_range
      bin="$(install_node "$leg")"
      copy_checkout "leg-$leg"
      pulumi_range="$(node -p 'require("./package.json").dependencies["@pulumi/pulumi"]')"
      (
        cd "$work/leg-$leg"
        export PATH="$bin:$PATH"
        # Node >= 22.1 caches compiled code here: every provider host, CLI and vitest worker of the
        # leg loads @pulumi/pulumi, tsx and the package again, and compiles them once instead.
        export NODE_COMPILE_CACHE="$work/compile-cache-$leg"
        [ "$(node -p 'process.versions.node.split(".")[0]')" = "$leg" ] || { echo "ci: node on PATH is $(node --version), not $leg" >&2; exit 1; }
        say "leg Node $(node --version) ($bin/node), newest @pulumi/pulumi@$pulumi_range"
        bash scripts/setup.sh test
        npm install --no-save --no-audit --no-fund "@pulumi/pulumi@$pulumi_range"
        say "@pulumi/pulumi $(node -p 'require("@pulumi/pulumi/package.json").version') on node $(node --version)"
        lock_state="$(cmp -s package-lock.json "$checkout/package-lock.json" && echo same || echo changed)"
        [ "$lock_state" = same ] || { echo "ci: the leg modified package-lock.json" >&2; exit 1; }
        # dist/ is already built: npm ci ran the package's `prepare` (the emitted JavaScript does not
        # depend on the @pulumi/pulumi version; the type-check below checks the new one's types).
        npm run typecheck
        if [ "${CI_FULL_LEGS:-}" = 1 ]; then bash scripts/suite.sh; else bash scripts/suite.sh "${VERSION_SUITES[@]}"; fi
      )
      ;;
    *) echo "ci: unknown leg '$leg' (use system, 22 or 24)" >&2; return 2 ;;
  esac
  timings+=("leg $leg: $((SECONDS - leg_started)) s")
  leg_now=""
}

for leg in "${legs[@]}"; do run_leg "$leg"; done
say "all legs green"
