#!/usr/bin/env bash
# Installs what bioxen-luavm needs on a fresh Debian or Ubuntu machine that has Node >= 20:
# the missing system packages (apt-get, through sudo when not root) and node_modules (npm ci).
# Usage: scripts/setup.sh [demo|test]   (demo: what `npm run demo` needs; test: what `npm test` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-demo}"
# lua-socket: the LuaSocket programs and the attachable sessions (socket.unix) need it on every target.
case "$purpose" in
  demo) packages=(openssh-server openssh-client lua5.4 luarocks lua-socket tar ca-certificates) ;;
  test) packages=(openssh-server openssh-client lua5.4 liblua5.4-dev lua5.1 luarocks lua-socket tar util-linux procps ca-certificates git dosfstools mtools cloud-init) ;;
  *) echo "setup: unknown purpose '$purpose' (use demo or test)" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none)); install it first, e.g. from https://nodejs.org or NodeSource" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  if ! command -v apt-get >/dev/null; then
    echo "setup: apt-get not found; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "system packages present"
fi

# npm ci when node_modules is missing or older than the lock file (it also builds dist/ via "prepare").
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
if [ ! -d dist ]; then
  say "building (npm run build)"
  npm run build
fi
