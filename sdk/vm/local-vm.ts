import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { LuaRunner } from "../lua";
import { LuaRocks, validateLuaVersion } from "../rocks";
import { localTarget } from "../target";
import { treeLuaPathEnv } from "./lua-paths";
import { scopedTarget } from "./scoped-target";
import type { LuaVM } from "./types";
import { RunnerVm } from "./vm-base";
import { validateVmId } from "./vm-id";

/** Options of a local VM: a Lua interpreter on this machine with its own directory and rocks tree. */
export interface LocalVmSpec {
  type?: "local";
  /** Interpreter command or path; default the first of lua5.4, lua, lua5.3, lua5.1, luajit found. */
  interpreter?: string;
  /** Directory under which the VM's own directory is made (default the OS temp dir). */
  parentDir?: string;
  /** Rocks tree to use instead of `<vm dir>/rocks` (absolute path; never removed by destroy). */
  tree?: string;
  /** LuaRocks servers to install from (only these are consulted); default luarocks' configured ones. */
  rocksServers?: readonly string[];
  /** Deadline of each LuaRocks operation (default 300 000 ms). */
  rocksTimeoutMs?: number;
}

/**
 * Creates a local VM: a fresh directory `<parentDir>/bioxen-vm-<id>-XXXXXX` that is the working
 * directory of every run and HOME of LuaRocks, a rocks tree inside it (or `spec.tree`) that Lua's
 * `require` searches first, and the interpreter detected once. Everything made is removed again
 * if a step fails, and by `destroy()`.
 */
export async function createLocalVm(id: string, spec: LocalVmSpec = {}): Promise<LuaVM> {
  validateVmId(id);
  if (spec.tree !== undefined && !isAbsolute(spec.tree)) throw new Error(`local VM ${id}: tree ${JSON.stringify(spec.tree)} must be an absolute path`);
  const parent = spec.parentDir ?? tmpdir();
  const dir = await mkdtemp(join(parent, `bioxen-vm-${id}-`));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const tree = spec.tree ?? join(dir, "rocks");
    await mkdir(tree, { recursive: true });
    const machine = localTarget();
    const lua = await new LuaRunner(machine, { interpreter: spec.interpreter }).version();
    const runTarget = scopedTarget(machine, { env: treeLuaPathEnv(tree, lua.languageVersion), cwd: dir });
    const rocks = new LuaRocks(machine, {
      tree: { path: tree },
      luaVersion: validateLuaVersion(lua.languageVersion),
      servers: spec.rocksServers,
      timeoutMs: spec.rocksTimeoutMs,
      // LuaRocks run with USER=root caches downloads in /var/cache/luarocks whatever HOME says; this VM's belong in its directory.
      env: { HOME: dir, ...(process.env.USER === "root" ? { USER: "bioxen-vm" } : {}) },
    });
    return new RunnerVm({
      id,
      type: "local",
      target: machine,
      runner: new LuaRunner(runTarget, { interpreter: lua.interpreter }),
      rocks,
      lua,
      address: "127.0.0.1",
      tree,
      details: { dir },
      remove: removeDir,
    });
  } catch (error) {
    await removeDir();
    throw new Error(`local VM ${id}: could not be created in ${parent}: ${(error as Error).message}`, { cause: error });
  }
}
