/**
 * Where `bioxen-luavm check` finds each package: the tree of a local installation on this
 * machine (for the Lua version of its interpreter, as LocalLua installs), or the package's tree
 * on a VM, reached as `repl --vm` reaches it (XAPI finds the VM, SSH pinned to its recorded host
 * key) and asked with luarocks' defaults there, as LuaPackage installs.
 */
import { resolve } from "node:path";
import type { EnvironmentSpec, LocalLuaSpec, LuaPackagePlanArgs } from "../sdk/env";
import { LuaRunner } from "../sdk/lua";
import { LuaRocks, validateLuaVersion } from "../sdk/rocks";
import { localTarget } from "../sdk/target";
import type { Target } from "../sdk/target/types";
import { vmMachine } from "./vm-target";

/** The LuaRocks of each package's tree, each machine reached once. */
export class PackageTrees {
  private readonly trees = new Map<string, Promise<LuaRocks>>();
  private readonly machines = new Map<string, Promise<Target>>();

  /** @param file the environment file (for messages) whose loaded content is `spec` */
  constructor(
    private readonly file: string,
    private readonly spec: EnvironmentSpec,
  ) {}

  /** The LuaRocks of the tree `pkg` is installed in. */
  of(pkg: LuaPackagePlanArgs): Promise<LuaRocks> {
    const key = JSON.stringify([pkg.target.ref, pkg.tree ?? null]);
    let rocks = this.trees.get(key);
    if (!rocks) {
      rocks = pkg.target.output === "target" ? localTree(this.spec.local![pkg.target.ref.slice("local:".length)]!) : this.vmTree(pkg);
      this.trees.set(key, rocks);
    }
    return rocks;
  }

  /** Where `pkg` is, for messages: "local dev" or "VM worker-0". */
  static where(pkg: LuaPackagePlanArgs): string {
    return pkg.target.output === "target" ? `local ${pkg.target.ref.slice("local:".length)}` : `VM ${vmInstance(pkg)}`;
  }

  private async vmTree(pkg: LuaPackagePlanArgs): Promise<LuaRocks> {
    const instance = vmInstance(pkg);
    let machine = this.machines.get(instance);
    if (!machine) {
      machine = vmMachine(this.file, this.spec, instance).then((found) => found.machine);
      this.machines.set(instance, machine);
    }
    return new LuaRocks(await machine, { tree: pkg.tree ?? "user" });
  }
}

/** The instance name of a VM package's target (its plan ref is `vm:<instance>`). */
function vmInstance(pkg: LuaPackagePlanArgs): string {
  return pkg.target.ref.slice("vm:".length);
}

async function localTree(local: LocalLuaSpec): Promise<LuaRocks> {
  const language = await new LuaRunner(localTarget(), { interpreter: local.interpreter }).version();
  return new LuaRocks(localTarget(), { tree: { path: resolve(local.tree ?? "lua_modules") }, luaVersion: validateLuaVersion(language.languageVersion) });
}
