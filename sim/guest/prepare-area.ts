import { promises as fs } from "node:fs";
import type { GuestArea } from "./area-layout";
import { renderLuarocksConfig } from "./luarocks-config";

/** Makes (or refreshes) a guest's area: HOME, the system rocks tree, /etc/ssh, the LuaRocks config. */
export async function prepareArea(area: GuestArea): Promise<void> {
  for (const dir of [area.home, area.systemTree]) await fs.mkdir(dir, { recursive: true });
  await fs.mkdir(area.sshDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(area.luarocksConfig, renderLuarocksConfig(area));
}
