import type { LuaResult, LuaRunOptions, LuaSession, LuaSessionHost, LuaSessionHostOptions, LuaSessionOptions } from "../lua";
import type { InstallOptions, InstalledRock, LuaRocks, RemoveOptions, RockOperationOptions } from "../rocks";
import type { Target } from "../target/types";

/** The kinds of VM {@link createVm} makes: a Lua process on this machine, or an XCP-ng VM. */
export type VmType = "local" | "xcpng";

/**
 * One finished execution: the interpreter's stdout (printed output, then the chunk's returned
 * values), stderr, exit code, and `success` (exit code 0, not timed out) — the old library's
 * `{stdout, stderr, return_code, success}` in this project's names.
 */
export interface VmExecResult extends LuaResult {
  /** True when the chunk ran to the end without a Lua error (exit code 0, no timeout). */
  success: boolean;
}

/** Options for {@link LuaVM.execute}: arguments, stdin, env, deadline and abort of one run. */
export type VmExecOptions = LuaRunOptions;

/** LuaRocks on the VM, in the VM's own tree. */
export interface LuaVmPackages {
  /** Installs a rock (latest, exact `version` or highest matching `constraint`); returns what is installed. */
  install(name: string, options?: InstallOptions): Promise<InstalledRock>;
  /** Removes a rock (every version or `version`); returns the versions removed. */
  remove(name: string, options?: RemoveOptions): Promise<string[]>;
  /** Every rock installed in the VM's tree. */
  list(options?: RockOperationOptions): Promise<InstalledRock[]>;
  /** The underlying LuaRocks (upgrade, downgrade, search, resolve …). */
  readonly rocks: LuaRocks;
}

/** Where a VM is in its life: usable, closed (connections released) or destroyed. */
export type VmState = "open" | "closed" | "destroyed";

/** What {@link LuaVM.describe} returns: a plain, secret-free object. */
export interface VmDescription {
  id: string;
  type: VmType;
  state: VmState;
  /** The target's description ("local", "ssh://user@host:22"). */
  target: string;
  /** Interpreter command, e.g. "lua5.4". */
  interpreter: string;
  /** Interpreter release, e.g. "5.4.6". */
  luaVersion: string;
  /** Language version, "5.1" … "5.4". */
  languageVersion: string;
  /** Network address other VMs reach this one on ("127.0.0.1" for local VMs). */
  address: string;
  /** Root of the VM's LuaRocks tree. */
  tree: string;
  /** Extra facts of the VM type (local: `dir`; xcpng: `vmUuid`, `hostKeyFingerprint`, …). */
  details: Record<string, string>;
}

/** A Lua virtual machine: somewhere Lua runs, with its own packages. */
export interface LuaVM {
  readonly id: string;
  readonly type: VmType;
  /** The machine commands run on (local, or SSH with the VM's pinned host key). */
  readonly target: Target;
  /** Runs a chunk; returned values are printed (`return 2+2` → "4\n"). A Lua error is a result, not an exception. */
  execute(code: string, options?: VmExecOptions): Promise<VmExecResult>;
  /** Runs a Lua file that exists on the VM. */
  executeFile(path: string, options?: Omit<VmExecOptions, "chunkName">): Promise<VmExecResult>;
  /** Opens a persistent session (globals and top-level locals survive between calls); closed with the VM. */
  openSession(options?: LuaSessionOptions): Promise<LuaSession>;
  /**
   * Attachable sessions on the VM (namespace: the VM id), with the VM's interpreter, Lua path
   * and working directory. They outlive close() and this process; see {@link LuaSessionHost}.
   */
  sessionHost(options?: Omit<LuaSessionHostOptions, "namespace">): Promise<LuaSessionHost>;
  /** LuaRocks in the VM's tree. */
  readonly packages: LuaVmPackages;
  /** A plain description (id, type, interpreter, versions, address, tree, …). */
  describe(): VmDescription;
  /** Ends running executions and sessions and releases connections. Idempotent. */
  close(): Promise<void>;
  /** Closes, then removes what the VM made (local: its directory and tree; xcpng: the VM). Idempotent. */
  destroy(): Promise<void>;
}
