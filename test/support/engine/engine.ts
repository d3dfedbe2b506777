import { setTimeout as delay } from "node:timers/promises";
import * as pulumi from "@pulumi/pulumi";
import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import { deletionOrder, serializeState, type ResourceState } from "./engine-state";
import type { HostLogLine } from "./host-process";
import { HostSession, type StackConfig } from "./host-session";
import type { ProviderHost, ProviderHostOptions } from "./provider-host";
import type { ProviderCall } from "./provider-results";
import { markSecrets, revealSecrets, splitSecrets, type PropertyMap } from "./property-values";
import { importStep } from "./import-step";
import { PartialStateError, registerStep } from "./register-step";
import { RegistrationQueue } from "./registrations";
import { runSteps, type StepSchedule } from "./parallel-steps";

/** A Pulumi program: declares resources; may be async. */
export type Program = () => unknown;

/** The engine operations the harness runs. */
export type Operation = "up" | "preview" | "refresh" | "destroy";

/** Where, with what stack and config, the harness runs programs. */
export interface EngineOptions {
  /** Project name. Default "project". */
  project?: string;
  /** Stack name. Default "stack". */
  stack?: string;
  /** Stack config; keys without a namespace get "<project>:". */
  config?: Record<string, string>;
  /** Config keys (as given in `config`) that are secret. */
  secretConfigKeys?: string[];
  /** The program folder: the provider host's cwd. Default process.cwd() (the repository root). */
  programDir?: string;
  /** Extra options for each provider host process (node flags, env, call deadline). */
  host?: Omit<ProviderHostOptions, "cwd" | "signal">;
  /** Aborts the operation in flight (host start and gRPC calls). */
  signal?: AbortSignal;
  /** Steps of a refresh or destroy in flight at most (`pulumi --parallel`); default ENGINE_PARALLELISM. */
  parallel?: number;
}

/** One provider call, tagged with the operation that made it. */
export interface LoggedCall extends ProviderCall {
  operation: Operation;
}

/** What one operation did. */
export interface OperationResult {
  operation: Operation;
  /** Provider calls in order (GetPluginInfo and Configure included). */
  calls: ProviderCall[];
  /** id and outputs handed back to the program, by URN (up and preview). */
  resources: Map<string, { id: string; outputs: PropertyMap }>;
}

/** An operation failed; the state keeps what succeeded and any partial state. */
export class EngineOperationError extends Error {
  constructor(
    readonly operation: Operation,
    /** Every failure, in order. */
    readonly failures: unknown[],
  ) {
    super(`${operation} failed: ${failures.map((f) => (f instanceof Error ? f.message : String(f))).join(" | ")}`);
    this.name = "EngineOperationError";
  }
}

/**
 * The Pulumi engine, reduced to what dynamic resources need, driving the REAL dynamic-provider
 * host over gRPC. A program runs under `pulumi.runtime.setMocks`; each dynamic resource it
 * declares is forwarded to the host (Check → Create | Diff → nothing | Update | replace; with the
 * `import` option and no state yet: Read → Check → Diff, see import-step.ts) and the real
 * outputs go back to the program. State lives in `state` between operations; every
 * operation starts a fresh host process, as each CLI command does.
 */
export class Engine {
  /** The current state, in registration order. */
  state: ResourceState[] = [];
  /** Every provider call of every operation. */
  readonly log: LoggedCall[] = [];
  /** Every stdout/stderr line of every host process. */
  readonly hostLogs: HostLogLine[] = [];

  private readonly project: string;
  private readonly stack: string;
  private readonly config: StackConfig;

  constructor(private readonly options: EngineOptions = {}) {
    this.project = options.project ?? "project";
    this.stack = options.stack ?? "stack";
    const qualify = (key: string) => (key.includes(":") ? key : `${this.project}:${key}`);
    this.config = {
      values: Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [qualify(k), v])),
      secretKeys: (options.secretConfigKeys ?? []).map(qualify),
    };
  }

  /** `pulumi up`: runs the program, applies its resources, deletes the ones it no longer declares. */
  up(program: Program): Promise<OperationResult> {
    return this.deploy("up", program);
  }

  /** `pulumi preview`: runs the program in dry-run; only Check and Diff reach the provider; state is unchanged. */
  preview(program: Program): Promise<OperationResult> {
    return this.deploy("preview", program);
  }

  /**
   * `pulumi refresh`: Read of every resource, in parallel as the engine reads; no id back = gone
   * from state; else outputs and inputs updated. The state keeps its order.
   */
  refresh(): Promise<OperationResult> {
    return this.operate("refresh", async (session, result) => {
      const refreshed = new Map<ResourceState, ResourceState | undefined>();
      await runSteps(
        this.state,
        async (res) => {
          refreshed.set(res, await this.readResource(await session.host(), res, result));
        },
        this.schedule(),
      );
      this.state = this.state.map((res) => refreshed.get(res)).filter((res): res is ResourceState => res !== undefined);
    });
  }

  /** `pulumi destroy`: deletes every resource, in parallel, each after every resource that depends on it. */
  destroy(): Promise<OperationResult> {
    return this.operate("destroy", (session) => this.deleteAll(session, deletionOrder(this.state)));
  }

  /** The state as the engine would store it: secrets as ciphertext placeholders, never plaintext. */
  serializedState(): string {
    return serializeState(`${this.project}/${this.stack}`, this.state);
  }

  /** Provider calls of the given methods in the log (e.g. ["create", "update", "delete"]). */
  callsOf(methods: string[], operation?: Operation): LoggedCall[] {
    return this.log.filter((c) => methods.includes(c.method) && (operation === undefined || c.operation === operation));
  }

  private deploy(operation: "up" | "preview", program: Program): Promise<OperationResult> {
    const preview = operation === "preview";
    return this.operate(operation, async (session, result) => {
      const prior = new Map(this.state.map((r) => [r.urn, r]));
      const next = new Map<string, ResourceState>();
      const replaced: ResourceState[] = [];
      const failures: unknown[] = [];
      let queue: RegistrationQueue | undefined;
      const newResource = async (args: MockResourceArgs): Promise<MockResourceResult> => {
        const reg = queue!.take(args.type, args.name);
        if (!reg.custom) return { id: undefined, state: args.inputs };
        if (!reg.type.startsWith("pulumi-nodejs:dynamic")) {
          throw new Error(`engine harness runs dynamic resources only; ${reg.urn} has type ${reg.type}`);
        }
        try {
          const old = prior.get(reg.urn);
          // The `import` option acts only while the resource is not in the state yet, as in the engine.
          const step = reg.importId && !old ? await importStep(await session.host(), reg, preview) : await registerStep(await session.host(), reg, old, preview);
          if (step.state) next.set(reg.urn, step.state);
          if (step.replaced) replaced.push(step.replaced);
          result.resources.set(reg.urn, { id: step.id, outputs: step.outputs });
          return { id: step.id || undefined, state: step.outputs };
        } catch (err) {
          if (err instanceof PartialStateError) next.set(reg.urn, err.state);
          else if (prior.has(reg.urn)) next.set(reg.urn, prior.get(reg.urn)!);
          failures.push(err);
          throw monitorError(err);
        }
      };
      await pulumi.runtime.setMocks({ newResource, call: unsupportedInvoke }, this.project, this.stack, preview);
      pulumi.runtime.setAllConfig(this.config.values, this.config.secretKeys);
      queue = new RegistrationQueue();
      await runProgram(program, failures, this.options.signal);
      if (preview) {
        if (failures.length > 0) throw new EngineOperationError(operation, failures);
        return;
      }
      // Resources not declared any more stay in state until their deletion succeeds; on failure none are deleted.
      this.state = [...next.values(), ...this.state.filter((r) => !next.has(r.urn))];
      if (failures.length > 0) throw new EngineOperationError(operation, failures);
      await this.deleteAll(session, [...replaced, ...deletionOrder(this.state.filter((r) => !next.has(r.urn)))]);
    });
  }

  /** How this engine runs an operation's steps (see runSteps). */
  private schedule(): StepSchedule<ResourceState> {
    return { ...(this.options.parallel ? { limit: this.options.parallel } : {}), ...(this.options.signal ? { signal: this.options.signal } : {}) };
  }

  /** Deletes `doomed` (in deletion order): each after the earlier ones that depend on it; state drops each as it goes. */
  private deleteAll(session: HostSession, doomed: readonly ResourceState[]): Promise<void> {
    const after = (res: ResourceState, earlier: readonly ResourceState[]) => earlier.filter((other) => other.dependencies.includes(res.urn));
    return runSteps(
      doomed,
      async (res) => {
        await this.deleteResource(await session.host(), res);
        this.state = this.state.filter((r) => r !== res);
      },
      { ...this.schedule(), after },
    );
  }

  private async deleteResource(host: ProviderHost, res: ResourceState): Promise<void> {
    await host.delete(res.id, res.urn, revealSecrets(res.outputs) as PropertyMap, { oldInputs: revealSecrets(res.inputs) as PropertyMap });
  }

  /** One refresh Read: the refreshed resource, or undefined when it is gone. */
  private async readResource(host: ProviderHost, res: ResourceState, result: OperationResult): Promise<ResourceState | undefined> {
    const read = await host.read(res.id, res.urn, revealSecrets(res.outputs) as PropertyMap, revealSecrets(res.inputs) as PropertyMap);
    if (!read.id) return undefined;
    const inputSecrets = splitSecrets(res.inputs).secretKeys;
    const outputSecrets = [...inputSecrets, ...res.additionalSecretOutputs, ...splitSecrets(res.outputs).secretKeys];
    const outputs = markSecrets(read.properties, outputSecrets);
    result.resources.set(res.urn, { id: read.id, outputs });
    return { ...res, id: read.id, outputs, inputs: read.inputs ? markSecrets(read.inputs, inputSecrets) : res.inputs };
  }

  /** Runs `body` with a fresh host session, then stops the host and records its calls and logs. */
  private async operate(operation: Operation, body: (session: HostSession, result: OperationResult) => Promise<void>): Promise<OperationResult> {
    this.options.signal?.throwIfAborted();
    const session = new HostSession(this.config, {
      ...this.options.host,
      cwd: this.options.programDir ?? process.cwd(),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    const result: OperationResult = { operation, calls: [], resources: new Map() };
    try {
      await body(session, result);
      return result;
    } finally {
      const host = await session.stop();
      result.calls.push(...(host?.calls ?? []));
      this.log.push(...result.calls.map((c) => ({ ...c, operation })));
      this.hostLogs.push(...(host?.logs ?? []));
    }
  }
}

/** After an abort, how long the registrations of cancelled steps may take to reject while still collected as failures. */
const ABORT_GRACE_MS = 1_000;

const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

/**
 * Runs the program and waits, as the language host does, until every registration RPC finished.
 * A failed registration rejects the resource's output promises, which nobody awaits; the language
 * host collects those through a process-wide unhandledRejection handler, and so does this: while
 * the program runs, the handlers already installed (vitest's) are set aside, and every rejection
 * becomes a failure of the operation — reported, never swallowed — unless it merely repeats a
 * step failure already recorded. When `signal` aborts, neither the program nor the registrations
 * are waited for any longer (a program or a step may hang where no provider call can be
 * cancelled): the abort is the operation's failure, and the caller stops the provider host.
 */
async function runProgram(program: Program, failures: unknown[], signal: AbortSignal | undefined): Promise<void> {
  const others = process.listeners("unhandledRejection");
  const onRejection = (reason: unknown) => {
    const text = reason instanceof Error ? reason.message : String(reason);
    if (!failures.some((f) => f instanceof Error && text.includes(f.message))) failures.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onRejection);
  const abort = abortion(signal);
  const fail = (err: unknown) => void (failures.includes(err) || failures.push(err));
  let rpcs: Promise<void> | undefined;
  try {
    await Promise.race([(async () => program())(), abort.promise]).catch(fail);
    rpcs = waitForRPCs();
    await Promise.race([rpcs, abort.promise]).catch(fail);
  } finally {
    abort.dispose();
    // The steps the abort cancelled still reject their registrations: collect those a moment longer.
    if (signal?.aborted) await Promise.race([(rpcs ?? waitForRPCs()).catch(() => undefined), delay(ABORT_GRACE_MS, undefined, { ref: false })]);
    // Rejections are reported after the microtask queue drains: let that happen before restoring.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
    for (const listener of others) process.on("unhandledRejection", listener);
  }
}

/** A promise that rejects (always with the same error) once `signal` aborts; `dispose` stops listening. */
function abortion(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error(`program aborted while it ran or its registrations were pending (${abortReason(signal!)})`));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal?.removeEventListener("abort", onAbort) };
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

/**
 * What the mock resource monitor answers a failed step with: the step's message, without the
 * provider call's gRPC code. The SDK reads a RegisterResource error's `code` as the monitor's own
 * status: UNAVAILABLE or CANCELLED (a provider host killed mid-call, an aborted call) means "the
 * engine is shutting us down" to it (runtime/resource.js, errors.js isGrpcError): it disconnects
 * and leaves the resource's outputs pending for good instead of rejecting them, so a resource
 * whose inputs wait for them never registers, and waitForRPCs in runProgram never returns.
 */
function monitorError(err: unknown): Error {
  return new Error(err instanceof Error ? err.message : String(err), { cause: err });
}

function unsupportedInvoke(args: pulumi.runtime.MockCallArgs): never {
  throw new Error(`engine harness does not implement invokes (${args.token})`);
}
