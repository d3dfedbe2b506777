import { chmodSync, writeFileSync } from "node:fs";
import { AREA_LAYOUT } from "./area-layout";

/**
 * Environment variable (set by sshd's SetEnv, which clients cannot override) naming a guest's
 * area. Sessions keep it, so halting a guest can find every process it started, even daemons.
 */
export const GUEST_AREA_ENV = "BIOXEN_GUEST_AREA";

/** Where sftp-server lives on the common distributions (Debian, RHEL/Fedora, BSD/Arch). */
export const SFTP_SERVER_CANDIDATES = [
  "/usr/lib/openssh/sftp-server",
  "/usr/libexec/openssh/sftp-server",
  "/usr/libexec/sftp-server",
  "/usr/lib/ssh/sftp-server",
] as const;

/** The Lua versions whose search paths a guest session gets (LUA_PATH_5_x, LUA_CPATH_5_x). */
const LUA_VERSIONS = ["5.1", "5.2", "5.3", "5.4"] as const;

/** The two shell assignments of Lua `version`'s search paths: the user tree, then the system tree, then ";;". */
function luaPathAssignments(version: string): string {
  const suffix = version.replace(".", "_");
  const trees = ["$user_tree", "$system_tree"];
  const path = trees.map((tree) => `${tree}/share/lua/${version}/?.lua;${tree}/share/lua/${version}/?/init.lua`).join(";");
  const cpath = trees.map((tree) => `${tree}/lib/lua/${version}/?.so`).join(";");
  return `LUA_PATH_${suffix}="${path};;"\nLUA_CPATH_${suffix}="${cpath};;"`;
}

/**
 * The login wrapper every guest's sshd runs as its ForceCommand (POSIX sh). It confines a
 * session to the guest's area — HOME, LuaRocks config and trees, Lua search paths, PATH — then
 * does what sshd itself would: an sftp subsystem request runs sftp-server, a command runs with
 * `sh -c` (clients send it already quoted), no command starts a shell. It evaluates nothing else.
 */
export const GUEST_SHELL_SCRIPT = `#!/bin/sh
# bioxen-luavm simulated guest: confines one SSH session to its VM's area.
set -u
area=\${${GUEST_AREA_ENV}:?"${GUEST_AREA_ENV} is not set: this script is the ForceCommand of a simulated guest's sshd"}
user_tree="$area/${AREA_LAYOUT.userTree}"
system_tree="$area/${AREA_LAYOUT.systemTree}"

HOME="$area/${AREA_LAYOUT.home}"
LUAROCKS_CONFIG="$area/${AREA_LAYOUT.luarocksConfig}"
PATH="$user_tree/bin:$system_tree/bin:\${PATH:-/usr/local/bin:/usr/bin:/bin}"
# Search paths per Lua version: both trees first, then ";;" (Lua's own defaults). Written out, not
# made by a shell function: each $(…) forks a subshell, and this runs for every SSH command.
# Lua 5.1 reads only LUA_PATH/LUA_CPATH; 5.2+ read LUA_PATH_5_x first and fall back to them.
${LUA_VERSIONS.map(luaPathAssignments).join("\n")}
LUA_PATH=$LUA_PATH_5_1
LUA_CPATH=$LUA_CPATH_5_1
export HOME LUAROCKS_CONFIG PATH LUA_PATH LUA_CPATH LUA_PATH_5_1 LUA_CPATH_5_1 LUA_PATH_5_2 \\
  LUA_CPATH_5_2 LUA_PATH_5_3 LUA_CPATH_5_3 LUA_PATH_5_4 LUA_CPATH_5_4
# A version-specific LuaRocks config would win over ours: no guest may have one.
unset LUAROCKS_CONFIG_5_1 LUAROCKS_CONFIG_5_2 LUAROCKS_CONFIG_5_3 LUAROCKS_CONFIG_5_4 XDG_CONFIG_HOME XDG_CACHE_HOME
# LuaRocks takes USER=root for "superuser" and then caches downloads in the host's
# /var/cache/luarocks whatever its config says; a guest's cache belongs in its HOME
# (the only other effect: root may use --local, which lands in the area too).
if [ "\${USER-}" = root ]; then USER=guest-root; export USER; fi
cd "$HOME" || exit 1

command=\${SSH_ORIGINAL_COMMAND-}
unset SSH_ORIGINAL_COMMAND
case $command in
  internal-sftp | */sftp-server)
    for server in ${SFTP_SERVER_CANDIDATES.join(" ")}; do
      if [ -x "$server" ]; then exec "$server"; fi
    done
    echo "simulated guest: no sftp-server found" >&2
    exit 1 ;;
  "") exec /bin/sh ;;
  *) exec /bin/sh -c "$command" ;;
esac
`;

/** Writes the login wrapper to `file` (mode 0755, synchronously: done once per guest host) and returns its path. */
export function writeGuestShell(file: string): string {
  writeFileSync(file, GUEST_SHELL_SCRIPT, { mode: 0o755 });
  chmodSync(file, 0o755);
  return file;
}
