import { createLocalVm, type LocalVmSpec } from "./local-vm";
import type { LuaVM } from "./types";
import { createXcpngVm, type XcpngVmSpec } from "./xcpng/lua-vm";

/** What {@link createVm} makes: `{ type: "local" }` (the default) or `{ type: "xcpng", … }`. */
export type VmSpec = LocalVmSpec | XcpngVmSpec;

/**
 * The VM factory. `createVm("worker", {})` gives a local VM (Lua on this machine in its own
 * directory and rocks tree); `createVm("worker", { type: "xcpng", … })` clones an XCP-ng VM from a
 * template and reaches it over SSH with its pinned host key.
 */
export function createVm(id: string, spec: VmSpec = {}): Promise<LuaVM> {
  const type = (spec as { type?: string }).type ?? "local";
  switch (type) {
    case "local":
      return createLocalVm(id, spec as LocalVmSpec);
    case "xcpng":
      return createXcpngVm(id, spec as XcpngVmSpec);
    default:
      return Promise.reject(new Error(`createVm ${id}: unknown VM type ${JSON.stringify(type)}; use "local" or "xcpng"`));
  }
}
