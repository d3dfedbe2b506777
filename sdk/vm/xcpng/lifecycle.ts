/**
 * The XCP-ng Lua VM lifecycle on top of the xapi recipes: ensure (find-or-clone → provision →
 * resources → VIFs → start → address → SSH → Lua), update (the same convergence on an existing
 * VM), read and destroy. Used by the XcpngLuaVM Pulumi resource and by `createVm`.
 *
 * Failure policy of ensure: a failure before the VM is started destroys a VM this call cloned
 * (nothing is left); a failure while waiting for the guest (address, SSH, Lua) keeps the VM and
 * throws {@link XcpngLuaVmError} with its uuid and state, so the caller records it and the next
 * run continues from it. An adopted VM is never destroyed by a failure.
 */
import { Deadline, type WaitOptions } from "../../base/deadline";
import { outsidePhase, withinPhase } from "../../base/phase-scope";
import type { XapiClient } from "../../xapi";
import { randomUUID } from "node:crypto";
import { XapiRecipeError, assertOwned, dataDiskSlotsOf, destroyDetachedDataDisks, destroyOrphanVdis, destroyVm, isGone, rebootVm, setMarkerState, shutdownVm, stateMarkerKey, startVm, type Claim } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { acquireVm, type AcquiredVm } from "./acquire";
import { attachCloudInit, explainUnappliedDrive } from "./cloud-init";
import { XcpngLuaVmError } from "./errors";
import { syncDisks } from "./disks";
import { applyHardware } from "./hardware";
import { inPhase } from "./phases";
import { vmRefOf } from "./lookup";
import { syncNics } from "./nics";
import { assertPrintableSpec } from "./spec-text";
import { observeVm, type CarriedFacts } from "./observe";
import { applyPlacement, resolvePlacement, type Placement } from "./placement";
import { HOST_KEY_MARKER, waitUntilReady } from "./readiness";
import type { XcpngLifecycleOptions, XcpngLuaVmSpec, XcpngLuaVmState } from "./types";

const DEFAULT_CREATE_MS = 600_000;
const DEFAULT_READY_MS = 300_000;
const DEFAULT_DELETE_MS = 300_000;

/** What earlier observations recorded about a VM (carried in the caller's state). */
export interface XcpngPriorFacts {
  hostKeyFingerprint?: string;
  lua?: XcpngLuaVmState["lua"];
  adopted: boolean;
  /** the resource instance (state.instance of the create); absent for a VM created by 0.1.0 */
  instance?: string;
}

/** The claim on a VM of `owner` recorded with `prior` (no instance: a 0.1.0 resource). */
function claimOfPrior(owner: string, prior: { instance?: string }): Claim {
  return prior.instance ? { owner, instance: prior.instance } : { owner };
}

/**
 * Creates the VM (or continues what a crashed create of the same owner left unfinished, or adopts
 * `spec.adopt`) as a new resource instance, and brings it to the spec. Returns its state, whose
 * `instance` the caller records: later calls pass it back (see docs/resources.md "Ownership").
 * The VM's marker says "creating" until this returns, or throws XcpngLuaVmError, and "complete" then.
 * @throws XcpngLuaVmError when the VM was kept after a failure (see the file comment; also when
 *   rolling a new VM back failed); any other error means nothing was left
 */
export async function ensureXcpngLuaVm(client: XapiClient, spec: XcpngLuaVmSpec, options: XcpngLifecycleOptions = {}): Promise<XcpngLuaVmState> {
  assertPrintableSpec(spec);
  const createMs = options.createMs ?? DEFAULT_CREATE_MS;
  const createDeadline = Date.now() + createMs;
  // Every XAPI call of the create phase ends by its deadline (sdk/base/phase-scope).
  const inCreate = <T>(work: () => Promise<T>) => withinPhase(phaseLabel("create", createMs), Deadline.at(createDeadline), work);
  const claim = { owner: spec.owner, instance: randomUUID() };
  const placement = await inCreate(() => resolvePlacement(client, spec));
  options.onProgress?.(`VM "${spec.name}": ${spec.adopt ? `adopting ${spec.adopt}` : `finding or cloning ${spec.template}`}`);
  const vm = await inCreate(() => inPhase("clone", options.phases?.clone, createDeadline, (deadline) => acquireVm(client, spec, claim, { deadline: Deadline.at(deadline), signal: options.signal })));
  const carried: CarriedFacts = { adopted: vm.adopted, networks: spec.networks, instance: claim.instance };
  let state: XcpngLuaVmState;
  try {
    spec = await inCreate(() => withCloudInit(client, vm, spec, claim, carried, { deadline: Deadline.at(createDeadline), signal: options.signal }, options));
    const configured = spec;
    await inCreate(() => converge(client, vm.ref, configured, claim, { placement, allowHalt: !vm.adopted || configured.allowRestart, deadline: createDeadline, startMs: options.phases?.start, signal: options.signal }));
    const recorded = await recordedHostKey(client, vm.ref);
    state = await ready(client, vm.ref, vm.uuid, spec, carried, { recordedHostKey: recorded, mayTrustOnFirstUse: vm.ours, deadline: Date.now() + (options.readyMs ?? DEFAULT_READY_MS), options });
    await setMarkerState(client, "VM", vm.ref, "complete");
  } catch (error) {
    if (error instanceof XcpngLuaVmError || vm.adopted) throw await kept(client, vm, error instanceof XcpngLuaVmError ? error : new XcpngLuaVmError("configure adopted VM", vm.uuid, await observeVm(client, vm.ref, carried).catch(() => assumedState(vm.uuid, spec, carried)), error));
    // The rollback has its own budget: a phase that ran out must not leave its VM behind.
    const cleanup = await outsidePhase(() => destroyVm(client, vm.ref, { owner: claim, cleanTimeoutMs: 10_000, deadline: 120_000 })).then(
      () => undefined,
      (cleanupError: unknown) => cleanupError,
    );
    if (cleanup === undefined) throw new Error(`creating VM "${spec.name}" failed: ${(error as Error).message} — the VM was destroyed again; run it again once the cause is fixed`, { cause: error });
    const state = await observeVm(client, vm.ref, carried).catch(() => assumedState(vm.uuid, spec, carried));
    throw await kept(client, vm, new XcpngLuaVmError(`create VM "${spec.name}" (and destroying it again: ${String(cleanup)})`, vm.uuid, state, error));
  }
  return state;
}

/**
 * Attaches the cloud-init drive to a VM this create cloned (never to an adopted one), records
 * it in `carried`, and returns the spec with the generated host key pinned: no trust on first use.
 */
async function withCloudInit(client: XapiClient, vm: AcquiredVm, spec: XcpngLuaVmSpec, claim: Claim, carried: CarriedFacts, wait: WaitOptions, options: XcpngLifecycleOptions): Promise<XcpngLuaVmSpec> {
  if (!spec.cloudInit) return spec;
  if (vm.adopted) throw new XapiRecipeError({ step: "cloud-init", object: vm.uuid, hint: "cloud-init runs once per instance: drop cloudInit when adopting" }, "an adopted VM gets no config drive");
  options.onProgress?.(`VM ${vm.uuid}: attaching the cloud-init config drive`);
  const attached = await attachCloudInit(client, vm, spec, claim, wait, options.onProgress);
  carried.configDriveVdiUuid = attached.configDriveVdiUuid;
  if (!attached.hostKey) return spec;
  carried.cloudInitHostKey = attached.hostKey;
  carried.hostKeyFingerprint ??= attached.hostKey.fingerprint; // known before the first boot: a kept VM reports it too
  return { ...spec, ssh: { ...spec.ssh, hostKeyFingerprint: spec.ssh.hostKeyFingerprint ?? attached.hostKey.fingerprint } };
}

/**
 * Before a kept VM's id goes to the caller (a partial state), its marker becomes "complete":
 * from then on it is a live resource's VM that no other create may take over. Best effort: the
 * error is what matters, and a VM left "creating" is only ever taken over by a retry of this same resource name.
 */
async function kept(client: XapiClient, vm: { ref: string }, error: XcpngLuaVmError): Promise<XcpngLuaVmError> {
  await setMarkerState(client, "VM", vm.ref, "complete").catch(() => undefined);
  return error;
}

/**
 * Brings an existing VM to the spec (rename, description, tags, resources — live where xapi
 * allows, halting only when `spec.allowRestart` — VIFs, data disks, affinity (no restart), power, the reboot asked by
 * `options.reboot`, readiness).
 * @throws Error when the VM is gone or not ours; XcpngLuaVmError (with its state) when a step failed
 */
export async function updateXcpngLuaVm(client: XapiClient, vmUuid: string, spec: XcpngLuaVmSpec, prior: XcpngPriorFacts, options: XcpngLifecycleOptions = {}): Promise<XcpngLuaVmState> {
  assertPrintableSpec(spec);
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) throw new Error(`VM ${vmUuid} no longer exists (deleted outside this stack?); refresh to forget it, then run again to create a new one`);
  const claim = claimOfPrior(spec.owner, prior);
  const record = await assertOwned(client, "VM", vm, claim, { adopted: prior.adopted && !prior.instance });
  // A create that kept the VM but could not mark it finished (see kept()): it is ours, recorded in the state.
  if (prior.instance && (record.other_config as Record<string, string>)[stateMarkerKey] === "creating") await setMarkerState(client, "VM", vm, "complete");
  const carried: CarriedFacts = { ...prior, networks: spec.networks };
  const placement = await resolvePlacement(client, spec, vm);
  try {
    const createMs = options.createMs ?? DEFAULT_CREATE_MS;
    const deadline = Date.now() + createMs;
    await withinPhase(phaseLabel("update", createMs, "create"), Deadline.at(deadline), async () => {
      const started = await converge(client, vm, spec, claim, { placement, allowHalt: spec.allowRestart, deadline, startMs: options.phases?.start, signal: options.signal });
      if (options.reboot && !started && spec.powerState === "running") {
        options.onProgress?.(`VM ${vmUuid}: rebooting (rebootTrigger changed)`);
        await inPhase("start", options.phases?.start, deadline, (end) => rebootVm(client, vm, { cleanTimeoutMs: 60_000, deadline: Deadline.at(end), signal: options.signal }));
      }
    });
  } catch (error) {
    throw new XcpngLuaVmError("update VM", vmUuid, await observeVm(client, vm, carried), error);
  }
  const recorded = prior.hostKeyFingerprint ?? (await recordedHostKey(client, vm));
  const mayTrustOnFirstUse = !prior.adopted;
  return ready(client, vm, vmUuid, spec, carried, { recordedHostKey: recorded, mayTrustOnFirstUse, deadline: Date.now() + (options.readyMs ?? DEFAULT_READY_MS), options });
}

/**
 * The VM's current state, or undefined when it no longer exists. Does not connect over SSH.
 * @throws XapiRecipeError when the VM does not carry the marker of `owner` and `prior.instance`
 */
export async function readXcpngLuaVm(client: XapiClient, vmUuid: string, owner: string, prior: XcpngPriorFacts & { networks?: XcpngLuaVmSpec["networks"] }): Promise<XcpngLuaVmState | undefined> {
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) return undefined;
  try {
    await assertOwned(client, "VM", vm, claimOfPrior(owner, prior), { adopted: prior.adopted && !prior.instance });
  } catch (error) {
    if (isGone(error) || isGone((error as { cause?: unknown }).cause)) return undefined;
    throw error;
  }
  return observeVm(client, vm, prior);
}

/**
 * Shuts the VM down (clean, hard after half the delete timeout) and destroys it with its disks.
 * Refuses a VM without this owner's marker unless it was adopted; a VM already gone is success.
 * @returns false when the VM was already gone
 */
export async function destroyXcpngLuaVm(client: XapiClient, vmUuid: string, owner: string, prior: { adopted: boolean; instance?: string }, options: XcpngLifecycleOptions = {}): Promise<boolean> {
  const deleteMs = options.deleteMs ?? DEFAULT_DELETE_MS;
  // Every XAPI call of the delete ends by its deadline (sdk/base/phase-scope).
  try {
    return await withinPhase(phaseLabel("delete", deleteMs), Deadline.in(deleteMs), () => destroyWithin(client, vmUuid, owner, prior, options, deleteMs));
  } catch (error) {
    throw new XapiRecipeError({ step: "delete VM", object: vmUuid, hint: "the VM stays in the stack's state; fix the cause and run destroy again to continue" }, "failed", error);
  }
}

async function destroyWithin(client: XapiClient, vmUuid: string, owner: string, prior: { adopted: boolean; instance?: string }, options: XcpngLifecycleOptions, deleteMs: number): Promise<boolean> {
  const claim = claimOfPrior(owner, prior);
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) {
    // An interrupted earlier delete may have destroyed the VM and left disks it marked.
    await destroyOrphanVdis(client, { owner, instance: claim.instance ?? "legacy" });
    return false;
  }
  options.onProgress?.(`VM ${vmUuid}: shutting down and destroying`);
  const slots = dataDiskSlotsOf((await withContext({ step: "read VM", object: vmUuid }, () => client.call("VM.get_record", vm)).catch(() => ({}))) as Record<string, unknown>);
  const result = await destroyVm(client, vm, { owner: claim, adopted: prior.adopted && !prior.instance, cleanTimeoutMs: Math.ceil(deleteMs / 2), deadline: deleteMs, signal: options.signal });
  // Data disks detached outside are no longer the VM's VBDs: destroyVm cannot see them.
  if (slots > 0) await destroyDetachedDataDisks(client, claim, vmUuid, slots);
  return result.destroyed;
}

/** How a phase names itself in the errors of the calls it cuts: `delete phase, timeouts.delete = 6 s`. */
function phaseLabel(phase: string, limitMs: number, timeout = phase): string {
  return `${phase} phase, timeouts.${timeout} = ${Math.round(limitMs / 1000)} s`;
}

interface ConvergeOptions {
  /** the affinity to set (resolved before any change) */
  placement: Placement | undefined;
  allowHalt: boolean;
  deadline: number;
  /** the start phase's own limit (ms) */
  startMs?: number;
  signal?: AbortSignal;
}

/** Applies the spec; returns true when it (re)started the VM (a requested reboot is then already done). */
async function converge(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, claim: Claim, options: ConvergeOptions): Promise<boolean> {
  const wait = { deadline: Deadline.at(options.deadline), signal: options.signal };
  const allowHalt = options.allowHalt || spec.powerState === "halted";
  await applyHardware(client, vm, spec, { allowHalt, ...wait });
  await syncNics(client, vm, spec, claim);
  await syncDisks(client, vm, spec, claim, { allowHalt, ...wait });
  await applyPlacement(client, vm, options.placement);
  return applyPowerState(client, vm, spec.powerState, wait, options);
}

async function applyPowerState(client: XapiClient, vm: string, wanted: "running" | "halted", wait: WaitOptions, options: ConvergeOptions): Promise<boolean> {
  const current = String(await withContext({ step: "read power state", object: vm }, () => client.call("VM.get_power_state", vm)));
  if (wanted === "halted") {
    if (current !== "Halted") await shutdownVm(client, vm, { cleanTimeoutMs: 60_000, ...wait });
    return false;
  }
  if (current === "Halted") await inPhase("start", options.startMs, options.deadline, (deadline) => startVm(client, vm, { deadline: Deadline.at(deadline), signal: options.signal }));
  else if (current === "Paused") await withContext({ step: "unpause VM", object: vm }, () => client.callAsyncWith(wait, "VM.unpause", vm));
  else if (current === "Suspended") await withContext({ step: "resume VM", object: vm }, () => client.callAsyncWith(wait, "VM.resume", vm, false, false));
  return current !== "Running";
}

interface ReadyStep {
  recordedHostKey?: string;
  mayTrustOnFirstUse: boolean;
  deadline: number;
  options: XcpngLifecycleOptions;
}

/** Waits for the guest (address, SSH, Lua) as the ready phase: its XAPI calls end by the phase's deadline. */
function ready(client: XapiClient, vm: string, vmUuid: string, spec: XcpngLuaVmSpec, carried: CarriedFacts, step: ReadyStep): Promise<XcpngLuaVmState> {
  const label = phaseLabel("ready", step.deadline - Date.now());
  return withinPhase(label, Deadline.at(step.deadline), () => readyWithin(client, vm, vmUuid, spec, carried, step));
}

async function readyWithin(client: XapiClient, vm: string, vmUuid: string, spec: XcpngLuaVmSpec, carried: CarriedFacts, step: ReadyStep): Promise<XcpngLuaVmState> {
  if (spec.powerState === "halted") return observeVm(client, vm, { ...carried, hostKeyFingerprint: carried.hostKeyFingerprint ?? step.recordedHostKey });
  try {
    const found = await waitUntilReady(client, vm, vmUuid, spec, {
      deadline: step.deadline,
      signal: step.options.signal,
      recordedHostKey: step.recordedHostKey,
      mayTrustOnFirstUse: step.mayTrustOnFirstUse,
      onProgress: step.options.onProgress,
      ...(step.options.phases ? { phases: step.options.phases } : {}),
    });
    return observeVm(client, vm, { ...carried, hostKeyFingerprint: found.hostKeyFingerprint, lua: found.lua });
  } catch (error) {
    const facts = { ...carried, hostKeyFingerprint: carried.hostKeyFingerprint ?? step.recordedHostKey };
    // The VM stays either way: if it cannot be read now, report what the spec asked for, never lose its uuid.
    const state = await observeVm(client, vm, facts).catch(() => assumedState(vmUuid, spec, facts));
    const explained = carried.configDriveVdiUuid ? explainUnappliedDrive(error, carried.configDriveVdiUuid) : error;
    throw new XcpngLuaVmError("wait for the VM to be ready", vmUuid, state, explained);
  }
}

/** The state the spec asks for, with power state "unknown": what is reported about a kept VM that could not be read. */
function assumedState(vmUuid: string, spec: XcpngLuaVmSpec, facts: CarriedFacts): XcpngLuaVmState {
  return {
    vmUuid,
    name: spec.name,
    powerState: "unknown",
    vcpus: spec.vcpus,
    memoryMiB: spec.memoryMiB,
    diskGiB: spec.diskGiB ?? 0,
    tags: [...new Set(spec.tags)].sort(),
    addresses: {},
    networkUuids: {},
    ...(facts.hostKeyFingerprint ? { hostKeyFingerprint: facts.hostKeyFingerprint } : {}),
    adopted: facts.adopted,
    ...(facts.instance ? { instance: facts.instance } : {}),
  };
}

async function recordedHostKey(client: XapiClient, vm: string): Promise<string | undefined> {
  const otherConfig = (await withContext({ step: "read the recorded SSH host key", object: vm }, () => client.call("VM.get_other_config", vm))) as Record<string, string>;
  return otherConfig[HOST_KEY_MARKER] || undefined;
}
