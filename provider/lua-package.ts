/**
 * LuaPackage: one LuaRocks package installed on a target — an XcpngLuaVM's `sshTarget`, a
 * LocalLua's `target`, or any SSH host described by hand (host key pin required).
 */
import * as pulumi from "@pulumi/pulumi";
import type { LuaVersion } from "../sdk/rocks";
import type { PackageTargetSpec } from "./runtime/local-target";
import type { LockedRock, LuaPackageTimeouts } from "./impl/lua-package/inputs";
import { dynamicProvider, implSpecifier } from "./shim";

export type { PackageTargetSpec } from "./runtime/local-target";
export type { LockedRock, LuaPackageTimeouts } from "./impl/lua-package/inputs";

/** The one provider instance for every LuaPackage (serialized once per program). */
const provider = dynamicProvider(implSpecifier("lua-package"));

/** Which rocks tree a LuaPackage uses: luarocks' system tree, the login user's home tree, or a folder. */
export type LuaPackageTree = "system" | "user" | { path: pulumi.Input<string> };

/** Inputs of {@link LuaPackage}. */
export interface LuaPackageArgs {
  /**
   * Where to install (replace on change of machine; a new address of the same machine — same
   * `machineId`, or same host key — updates in place): an XcpngLuaVM's `sshTarget`, a LocalLua's
   * `target`, or `{ kind: "ssh", host, port, username, hostKeyFingerprint, privateKey? }`
   * (`privateKey` defaults to `bioxen:sshPrivateKey`; wrap it in `pulumi.secret`).
   * `undefined` is accepted by the type so `vm.sshTarget` can be passed as it is; check then
   * refuses it with a clear message (a halted XcpngLuaVM has no SSH target).
   */
  target: pulumi.Input<PackageTargetSpec | undefined>;
  /** The rock's name, lower case, e.g. "luasocket" (replace on change). */
  name: pulumi.Input<string>;
  /** Exact version, "1.2-1", or "1.2" for any revision of 1.2. Not with `constraint`. */
  version?: pulumi.Input<string>;
  /** Constraint such as ">= 1.0, < 2": the servers' highest match is installed; no update while the installed version still satisfies it. */
  constraint?: pulumi.Input<string>;
  /** Only these rock servers (http(s)/file URLs or absolute paths), in order; default luarocks' configured servers. */
  servers?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Rocks to install first, each at exactly its version, in this order (a rock after those it
   * depends on): the locked dependencies an environment file's lock gives. luarocks then finds
   * the rock's dependencies installed and fetches no other version. Never removed with the rock.
   */
  dependencies?: pulumi.Input<pulumi.Input<LockedRock>[]>;
  /** Tree (replace on change); default: the LocalLua target's tree, else "user". */
  tree?: pulumi.Input<LuaPackageTree>;
  /** Lua version to install for (replace on change); default: the LocalLua target's, else luarocks' own. */
  luaVersion?: pulumi.Input<LuaVersion>;
  /** Deadlines in seconds for create, update and delete (default 300 each) and read (refresh, SSH dial included; default 20); customTimeouts do not reach dynamic providers. */
  timeouts?: pulumi.Input<LuaPackageTimeouts>;
}

/**
 * A LuaRocks package on a target. Updating `version`/`constraint` upgrades or downgrades in place;
 * refresh notices an outside removal or version change, and on an XcpngLuaVM that is stopped
 * (XAPI asked first) keeps the last state without dialling; delete removes the rock (its
 * dependencies stay). When one LuaPackage needs another, declare `dependsOn` so destroy removes the dependent first.
 */
export class LuaPackage extends pulumi.dynamic.Resource {
  /** The target (secret: it may carry an SSH private key). */
  declare readonly target: pulumi.Output<PackageTargetSpec>;
  /** The rock's name. */
  declare readonly name: pulumi.Output<string>;
  /** The requested exact version, if any. */
  declare readonly version: pulumi.Output<string | undefined>;
  /** The requested constraint, if any. */
  declare readonly constraint: pulumi.Output<string | undefined>;
  /** The servers consulted, if given. */
  declare readonly servers: pulumi.Output<string[] | undefined>;
  /** The rocks installed first at exact versions, if given. */
  declare readonly dependencies: pulumi.Output<LockedRock[] | undefined>;
  /** The tree as resolved by check ("system", "user" or { path }). */
  declare readonly tree: pulumi.Output<"system" | "user" | { path: string }>;
  /** The Lua version installed for, if given or taken from a LocalLua target. */
  declare readonly luaVersion: pulumi.Output<LuaVersion | undefined>;
  /** The version installed in the tree, e.g. "1.0-1". */
  declare readonly installedVersion: pulumi.Output<string>;
  /** The tree's root directory on the target. */
  declare readonly treePath: pulumi.Output<string>;
  /** True when every module the rock declares loads with `require` on the target (checked after install and update, and on refresh). */
  declare readonly healthy: pulumi.Output<boolean>;
  /** One `<module>: <Lua error>` per module that does not load; empty when healthy. */
  declare readonly healthProblems: pulumi.Output<string[]>;

  /**
   * @param name Pulumi resource name
   * @param args the package, where and which version
   * @param opts resource options (`dependsOn` another LuaPackage it needs)
   */
  constructor(name: string, args: LuaPackageArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { installedVersion: undefined, treePath: undefined, healthy: undefined, healthProblems: undefined };
    const secretOutputs = ["target", ...(opts?.additionalSecretOutputs ?? [])];
    super(provider, name, { ...args, ...outputs }, { ...opts, additionalSecretOutputs: secretOutputs }, "bioxen", "LuaPackage");
  }
}
