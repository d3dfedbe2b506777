import type { LuaRunner, LuaSession, LuaSessionHost, LuaSessionHostOptions, LuaSessionOptions, LuaVersionInfo } from "../lua";
import type { LuaResult } from "../lua";
import type { LuaRocks } from "../rocks";
import type { Target } from "../target/types";
import type { LuaVM, LuaVmPackages, VmDescription, VmExecOptions, VmExecResult, VmState, VmType } from "./types";
import { linkedSignal, sharedAbortController } from "../base/timeout-signal";

/** Everything a {@link RunnerVm} is made of; the VM type supplies the parts that differ. */
export interface RunnerVmParts {
  id: string;
  type: VmType;
  /** The machine (exposed as `LuaVM.target`). */
  target: Target;
  /** Runs Lua through the VM's scoped target (its tree on the Lua path). */
  runner: LuaRunner;
  /** LuaRocks on the VM's tree. */
  rocks: LuaRocks;
  /** The interpreter found on the VM. */
  lua: LuaVersionInfo;
  address: string;
  tree: string;
  details: Record<string, string>;
  /** Releases connections after executions and sessions ended. */
  release?: () => Promise<void>;
  /** Removes what the VM made (after executions and sessions ended, before release). */
  remove?: () => Promise<void>;
}

/**
 * The behaviour every {@link LuaVM} shares: executions and sessions tied to the VM's lifetime
 * (closing aborts what still runs), packages in its tree, state and description.
 */
export class RunnerVm implements LuaVM {
  readonly id: string;
  readonly type: VmType;
  readonly target: Target;
  readonly packages: LuaVmPackages;
  private state: VmState = "open";
  private readonly lifetime = sharedAbortController();
  private readonly sessions = new Set<LuaSession>();
  private closing?: Promise<void>;
  private destroying?: Promise<void>;

  /** @param parts the VM's runner, rocks, facts and type-specific release/remove steps */
  constructor(private readonly parts: RunnerVmParts) {
    this.id = parts.id;
    this.type = parts.type;
    this.target = parts.target;
    const rocks = parts.rocks;
    this.packages = {
      rocks,
      install: (name, options) => this.whileOpen("install a package").then(() => this.bound(options, (o) => rocks.install(name, o))),
      remove: (name, options) => this.whileOpen("remove a package").then(() => this.bound(options, (o) => rocks.remove(name, o))),
      list: (options) => this.whileOpen("list packages").then(() => this.bound(options, (o) => rocks.list(o))),
    };
  }

  async execute(code: string, options: VmExecOptions = {}): Promise<VmExecResult> {
    await this.whileOpen("execute");
    return withSuccess(await this.bound(options, (o) => this.parts.runner.runChunk(code, o)));
  }

  async executeFile(path: string, options: Omit<VmExecOptions, "chunkName"> = {}): Promise<VmExecResult> {
    await this.whileOpen(`execute ${path}`);
    return withSuccess(await this.bound(options, (o) => this.parts.runner.runFile(path, o)));
  }

  async openSession(options: LuaSessionOptions = {}): Promise<LuaSession> {
    await this.whileOpen("open a session");
    const session = await this.parts.runner.openSession(options);
    // close() may have run meanwhile; it did not see this session, which would outlive the VM.
    if (this.state !== "open") await session.close();
    await this.whileOpen("open a session");
    this.sessions.add(session);
    return session;
  }

  async sessionHost(options: Omit<LuaSessionHostOptions, "namespace"> = {}): Promise<LuaSessionHost> {
    await this.whileOpen("manage attachable sessions");
    return this.parts.runner.sessionHost({ ...options, namespace: this.id });
  }

  describe(): VmDescription {
    const { lua, address, tree, details } = this.parts;
    return {
      id: this.id,
      type: this.type,
      state: this.state,
      target: this.target.description,
      interpreter: lua.interpreter,
      luaVersion: lua.version,
      languageVersion: lua.languageVersion,
      address,
      tree,
      details: { ...details },
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.endActivity();
      await this.parts.release?.();
    })();
    return this.closing;
  }

  destroy(): Promise<void> {
    // Removal may still need the connections close() releases, so they are released last.
    // A failed removal releases the connections anyway and may be retried (xcpng logs in again).
    this.destroying ??= (async () => {
      if (this.closing) await this.closing;
      else await this.endActivity();
      try {
        await this.parts.remove?.();
        this.state = "destroyed";
      } catch (error) {
        this.destroying = undefined;
        throw error;
      } finally {
        this.closing ??= this.parts.release?.() ?? Promise.resolve();
        await this.closing;
      }
    })();
    return this.destroying;
  }

  /** Aborts running executions and closes sessions; later calls are refused. */
  private async endActivity(): Promise<void> {
    if (this.state === "open") this.state = "closed";
    this.lifetime.abort(new Error(`VM ${this.id} was closed`));
    const sessions = [...this.sessions];
    this.sessions.clear();
    await Promise.allSettled(sessions.map((session) => session.close()));
  }

  /** Rejects once the VM is closed, naming the operation that came too late. */
  private async whileOpen(operation: string): Promise<void> {
    if (this.state !== "open") throw new Error(`VM ${this.id} (${this.type}, ${this.target.description}): cannot ${operation}: the VM is ${this.state}`);
  }

  /** Runs `call` with the VM's lifetime added to its own abort signal, so close() ends it; lets go of both signals after. */
  private async bound<T extends { signal?: AbortSignal }, R>(options: T | undefined, call: (options: T) => Promise<R>): Promise<R> {
    const own = options?.signal;
    if (!own) return call({ ...(options ?? ({} as T)), signal: this.lifetime.signal });
    const link = linkedSignal([own, this.lifetime.signal]);
    try {
      return await call({ ...options, signal: link.signal });
    } finally {
      link.clear();
    }
  }
}

function withSuccess(result: LuaResult): VmExecResult {
  return { ...result, success: result.exitCode === 0 && !result.timedOut };
}
