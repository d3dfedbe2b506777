import type { GuestArea } from "./area-layout";

/** A Lua double-quoted string literal holding `text` exactly (paths may hold any byte but NUL). */
function luaString(text: string): string {
  const escaped = text.replace(/[\\"\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString().padStart(3, "0")}`);
  return `"${escaped}"`;
}

/**
 * The LuaRocks config of one guest (LuaRocks ≥ 3 reads it from LUAROCKS_CONFIG after the
 * system file, and a `rocks_trees` there replaces the system one whole). Both trees lie inside the
 * guest's area: the last one, "system", is where a plain `luarocks install` or `--tree system`
 * lands, so nothing a guest installs reaches the real /usr/local or another guest.
 */
export function renderLuarocksConfig(area: GuestArea): string {
  return [
    "-- Written by the bioxen-luavm simulator: this guest's own rocks trees.",
    "rocks_trees = {",
    `   { name = "user", root = ${luaString(area.userTree)} },`,
    `   { name = "system", root = ${luaString(area.systemTree)} },`,
    "}",
    "",
  ].join("\n");
}
