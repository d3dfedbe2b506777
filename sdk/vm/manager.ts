import type { DeadlineOptions } from "../base/deadline";
import { Semaphore, type SlotWaitOptions } from "../base/semaphore";
import type { AttachedSession } from "../lua";
import { ClusterCreateError, type ClusterFailure } from "./cluster-error";
import { createVm, type VmSpec } from "./create-vm";
import { idMatcher } from "./pattern";
import { VmSessionRegistry, type VmSessionInfo, type VmSessionOptions } from "./session-registry";
import { onTerminationSignals, type SignalCleanupOptions } from "./signal-cleanup";
import type { LuaVM, VmExecOptions, VmExecResult } from "./types";
import { validateVmId } from "./vm-id";

/** Options of a {@link VmManager}. */
export interface VmManagerOptions {
  /** Executions in flight at once, over all VMs (default 4). */
  concurrency?: number;
  /** VM creations in flight at once (default 2: pools dislike many concurrent clones). */
  createConcurrency?: number;
  /** How long an execution or creation may wait for a free slot (default 600 000 ms). */
  queueTimeoutMs?: number;
  /** Where and how the VMs' attachable sessions live (directory, output buffer, deadlines). */
  sessions?: VmSessionOptions;
}

/** Per-call options of manager executions: the run's own options plus an abort for the queue wait too. */
export type ManagedExecOptions = VmExecOptions;

/** One VM's part of a {@link VmManager.broadcast}: its result, or the error that stopped it. */
export interface BroadcastEntry {
  id: string;
  result?: VmExecResult;
  error?: Error;
}

/** What {@link VmManager.installSignalHandlers} does before the process ends. */
export interface ManagerSignalOptions extends SignalCleanupOptions {
  /** "destroy" (default) removes the VMs (local dirs, XCP-ng VMs); "close" only releases them. */
  action?: "destroy" | "close";
}

const DEFAULT_QUEUE_TIMEOUT_MS = 600_000;

/**
 * Keeps Lua VMs by id: creates them (alone or as clusters), runs code on one VM or on every VM
 * whose id matches a pattern with a limit on executions in flight, and closes or destroys them
 * all at the end — also when the process gets SIGINT/SIGTERM, once handlers are installed.
 */
export class VmManager {
  private readonly vms = new Map<string, LuaVM>();
  private readonly reserved = new Set<string>();
  private readonly executions: Semaphore;
  private readonly creations: Semaphore;
  private readonly queueTimeoutMs: number;
  private readonly sessions: VmSessionRegistry;

  /** @param options concurrency limits, the queue deadline and where sessions live */
  constructor(options: VmManagerOptions = {}) {
    this.sessions = new VmSessionRegistry((id) => this.require(id), () => this.list(), options.sessions ?? {});
    this.executions = new Semaphore(options.concurrency ?? 4);
    this.creations = new Semaphore(options.createConcurrency ?? 2);
    this.queueTimeoutMs = options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  }

  /** Executions running now and waiting for a slot. */
  stats(): { running: number; waiting: number; vms: number } {
    return { ...this.executions.stats(), vms: this.vms.size };
  }

  /** Creates a VM with {@link createVm} and tracks it; the id must be new to this manager. */
  async create(id: string, spec: VmSpec = {}, options: { signal?: AbortSignal } = {}): Promise<LuaVM> {
    validateVmId(id);
    if (this.vms.has(id) || this.reserved.has(id)) throw new Error(`VmManager: a VM with id ${id} already exists; pick another id or destroy it first`);
    this.reserved.add(id);
    try {
      const vm = await this.creations.run(() => createVm(id, spec), { signal: options.signal, deadline: this.queueTimeoutMs, what: `create VM ${id}` });
      this.vms.set(id, vm);
      return vm;
    } finally {
      this.reserved.delete(id);
    }
  }

  /** The VM with this id, or undefined. */
  get(id: string): LuaVM | undefined {
    return this.vms.get(id);
  }

  /** Every tracked VM, ordered by id. */
  list(): LuaVM[] {
    return [...this.vms.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  /** Runs a chunk on VM `id` once a slot is free (at most `concurrency` run at once). */
  async execute(id: string, code: string, options: ManagedExecOptions = {}): Promise<VmExecResult> {
    const vm = this.require(id);
    return this.executions.run(() => vm.execute(code, options), this.queueOptions(`execute on VM ${id}`, options));
  }

  /** Runs a Lua file that exists on VM `id`, within the same limit as {@link execute}. */
  async executeFile(id: string, path: string, options: Omit<ManagedExecOptions, "chunkName"> = {}): Promise<VmExecResult> {
    const vm = this.require(id);
    return this.executions.run(() => vm.executeFile(path, options), this.queueOptions(`execute ${path} on VM ${id}`, options));
  }

  /**
   * Creates `size` VMs `<prefix>-0` … `<prefix>-<size-1>` from one spec (at most
   * `createConcurrency` at a time). If any fails, the ones that were made are destroyed again
   * and a {@link ClusterCreateError} says which failed and why.
   */
  async createCluster(prefix: string, size: number, spec: VmSpec = {}, options: { signal?: AbortSignal } = {}): Promise<LuaVM[]> {
    if (!Number.isInteger(size) || size < 1) throw new Error(`cluster ${prefix}: size ${size} is invalid: use an integer ≥ 1`);
    const ids = Array.from({ length: size }, (_, i) => validateVmId(`${prefix}-${i}`));
    const outcomes = await Promise.allSettled(ids.map((id) => this.create(id, spec, options)));
    const failures: ClusterFailure[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === "rejected") failures.push({ id: ids[i]!, error: asError(outcome.reason) });
    });
    if (failures.length === 0) return outcomes.map((o) => (o as PromiseFulfilledResult<LuaVM>).value);
    const made = ids.filter((_, i) => outcomes[i]!.status === "fulfilled");
    const rollback = await Promise.allSettled(made.map((id) => this.destroy(id)));
    const rollbackFailures = rollback.flatMap((r, i) => (r.status === "rejected" ? [{ id: made[i]!, error: asError(r.reason) }] : []));
    throw new ClusterCreateError(prefix, size, failures, made, rollbackFailures);
  }

  /**
   * Runs `code` on every VM whose id matches `pattern` (a glob such as `worker-*`, or a RegExp),
   * within the execution limit, and gathers one entry per VM in id order. A VM that fails gives
   * an entry with `error`; the others still run.
   */
  async broadcast(pattern: string | RegExp, code: string, options: ManagedExecOptions = {}): Promise<BroadcastEntry[]> {
    const matches = idMatcher(pattern);
    const targets = this.list().filter((vm) => matches(vm.id));
    return Promise.all(
      targets.map((vm) =>
        this.execute(vm.id, code, options).then(
          (result): BroadcastEntry => ({ id: vm.id, result }),
          (error: unknown): BroadcastEntry => ({ id: vm.id, error: asError(error) }),
        ),
      ),
    );
  }

  /**
   * Starts a named attachable session on VM `vmId` (a random "s-…" name when none is given) and
   * attaches to it. Its id is "<vm id>/<name>". A bad name is refused before anything runs.
   */
  createSession(vmId: string, name?: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    return this.sessions.create(vmId, name, options);
  }

  /**
   * Attaches to session "<vm id>/<name>", started by this process or an earlier one (the VM must
   * be tracked by this manager, e.g. created again with the same id). Output produced while
   * nobody was attached arrives first; an earlier attachment is taken over.
   */
  attach(sessionId: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    return this.sessions.attach(sessionId, options);
  }

  /** The attachable sessions running on VM `vmId`, or on every tracked VM. */
  listSessions(vmId?: string, options: DeadlineOptions = {}): Promise<VmSessionInfo[]> {
    return this.sessions.list(vmId, options);
  }

  /** Ends session "<vm id>/<name>": its processes, socket and files. */
  killSession(sessionId: string, options: DeadlineOptions = {}): Promise<void> {
    return this.sessions.kill(sessionId, options);
  }

  /** Destroys VM `id` (ending its attachable sessions first) and stops tracking it (an unknown id is an error). */
  async destroy(id: string): Promise<void> {
    await this.destroyWithSessions(this.require(id));
    this.vms.delete(id);
  }

  /**
   * Closes every VM (ending their executions and one-call sessions) and stops tracking them.
   * Attachable sessions are detached, not ended: a later process can attach to them again.
   */
  closeAll(): Promise<void> {
    return this.endAll("close");
  }

  /** Destroys every VM (and its attachable sessions) and stops tracking them. */
  destroyAll(): Promise<void> {
    return this.endAll("destroy");
  }

  /**
   * On SIGINT/SIGTERM: destroys (or with `action: "close"`, closes) every VM, then lets the signal
   * end the process. Returns a function that removes the handlers.
   */
  installSignalHandlers(options: ManagerSignalOptions = {}): () => void {
    const action = options.action ?? "destroy";
    return onTerminationSignals(() => this.endAll(action), options);
  }

  private async endAll(action: "close" | "destroy"): Promise<void> {
    await this.sessions.detachAll();
    const vms = this.list();
    const end = (vm: LuaVM) => (action === "destroy" ? this.destroyWithSessions(vm) : vm.close());
    const outcomes = await Promise.allSettled(vms.map(end));
    const failed: string[] = [];
    outcomes.forEach((outcome, i) => {
      const id = vms[i]!.id;
      if (outcome.status === "fulfilled" || action === "close") this.vms.delete(id);
      if (outcome.status === "rejected") failed.push(`${id}: ${asError(outcome.reason).message}`);
    });
    if (failed.length > 0) throw new Error(`VmManager ${action}All: ${failed.length} of ${vms.length} VMs failed (${failed.join("; ")})`);
  }

  /** Ends the VM's attachable sessions, then destroys it even if that failed. */
  private async destroyWithSessions(vm: LuaVM): Promise<void> {
    const failure = await this.sessions.killAll(vm.id).then(() => undefined, asError);
    await vm.destroy();
    // An XCP-ng VM takes its sessions with it; a local VM's would outlive it, so that is an error.
    if (failure && vm.type === "local") {
      throw new Error(`VM ${vm.id} was destroyed, but its attachable sessions could not all be ended: ${failure.message}`, { cause: failure });
    }
  }

  private require(id: string): LuaVM {
    const vm = this.vms.get(id);
    if (!vm) throw new Error(`VmManager: no VM with id ${id} (known: ${[...this.vms.keys()].sort(compareIds).join(", ") || "none"})`);
    return vm;
  }

  private queueOptions(what: string, options: ManagedExecOptions): SlotWaitOptions {
    return { what, signal: options.signal, deadline: this.queueTimeoutMs };
  }
}

/** Orders ids with numeric parts as numbers, so worker-2 comes before worker-10. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
