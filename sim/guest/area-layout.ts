import * as path from "node:path";

/**
 * Where things live inside one guest's area, relative to `<rootDir>/<vmUuid>/`. The login
 * wrapper and the TypeScript side both read these names, so the two can never disagree.
 */
export const AREA_LAYOUT = {
  /** The guest's HOME: every session starts here. */
  home: "home",
  /** LuaRocks' "user" tree (what `luarocks --local` uses), inside HOME as on a real machine. */
  userTree: "home/.luarocks",
  /** LuaRocks' "system" tree: the guest's private stand-in for /usr/local. */
  systemTree: "usr/local",
  /** The LuaRocks config file named by LUAROCKS_CONFIG in every session. */
  luarocksConfig: "luarocks-config.lua",
  /** The guest's host key, outside HOME like a real /etc/ssh. */
  sshDir: "etc/ssh",
} as const;

/** Absolute paths of one guest's area. */
export interface GuestArea {
  /** `<rootDir>/<vmUuid>` */
  root: string;
  home: string;
  userTree: string;
  systemTree: string;
  luarocksConfig: string;
  sshDir: string;
}

/** Lowercase hex uuid or another plain id: it becomes a directory name and an sshd_config value. */
const VM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Throws unless `vmUuid` is safe to use as a directory name and in sshd_config. */
export function assertVmId(vmUuid: string): void {
  if (!VM_ID.test(vmUuid)) {
    throw new Error(`guest host: VM uuid ${JSON.stringify(vmUuid)} is not a plain id ([A-Za-z0-9_-], up to 128 chars)`);
  }
}

/** The absolute paths of the area of VM `vmUuid` under `rootDir`. */
export function guestArea(rootDir: string, vmUuid: string): GuestArea {
  assertVmId(vmUuid);
  const root = path.join(rootDir, vmUuid);
  return {
    root,
    home: path.join(root, AREA_LAYOUT.home),
    userTree: path.join(root, AREA_LAYOUT.userTree),
    systemTree: path.join(root, AREA_LAYOUT.systemTree),
    luarocksConfig: path.join(root, AREA_LAYOUT.luarocksConfig),
    sshDir: path.join(root, AREA_LAYOUT.sshDir),
  };
}
