/**
 * The dependency closure of the packages a lock pins, as luarocks itself resolves it: each
 * declared rock is installed at its resolved version into a scratch tree on this machine (in
 * file order, from its declaration's servers, `--deps-mode one` as LuaPackage installs), then
 * the tree lists every rock with its exact version and `luarocks show --deps` gives the edges.
 * Installing builds the rocks here, so a rock with C modules needs a compiler on this machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LuaRocks } from "../rocks";
import { localTarget } from "../target";
import type { LockOptions } from "./lock-resolve";

/** A declared rock at the version resolved for it, and the servers it comes from. */
export interface ResolvedRock {
  name: string;
  version: string;
  servers?: readonly string[];
}

/** Every rock of the closure: its exact version, and the rocks each depends on (names, only those with any). */
export interface LockedClosure {
  packages: Record<string, string>;
  dependencies: Record<string, string[]>;
}

/**
 * Installs `rocks` into a fresh scratch tree (removed afterwards) and reads the closure from it.
 * A rock that ends up listed at two versions (a luarocks config that keeps other versions) is an
 * error: the lock could not say which one is meant.
 */
export async function resolveClosure(rocks: readonly ResolvedRock[], options: LockOptions): Promise<LockedClosure> {
  const scratch = await mkdtemp(join(tmpdir(), "bioxen-lock-tree-"));
  try {
    const tree = { path: scratch };
    for (const rock of rocks) {
      await new LuaRocks(localTarget(), { ...options, tree, ...(rock.servers ? { servers: rock.servers } : {}) }).install(rock.name, { version: rock.version });
    }
    const inTree = new LuaRocks(localTarget(), { ...options, tree });
    const packages: Record<string, string> = {};
    for (const { name, version } of await inTree.list()) {
      if (packages[name] !== undefined) throw new Error(`resolving dependencies: luarocks kept ${name} ${packages[name]} and ${version} in the scratch tree; set keep_other_versions = false in the luarocks config`);
      packages[name] = version;
    }
    const dependencies: Record<string, string[]> = {};
    for (const name of Object.keys(packages)) {
      const needs = (await inTree.dependencies(name)).filter((dependency) => packages[dependency] !== undefined).sort();
      if (needs.length > 0) dependencies[name] = needs;
    }
    return { packages, dependencies };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
