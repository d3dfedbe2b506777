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
import type { XapiClient } from "../../xapi";
import { assertOwned, destroyVm, shutdownVm, startVm } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { acquireVm } from "./acquire";
import { XcpngLuaVmError } from "./errors";
import { applyHardware } from "./hardware";
import { vmRefOf } from "./lookup";
import { syncNics } from "./nics";
import { observeVm, type CarriedFacts } from "./observe";
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
}

/**
 * Creates the VM (or continues an earlier attempt of the same owner, or adopts `spec.adopt`)
 * and brings it to the spec. Returns its state.
 * @throws XcpngLuaVmError when the VM was kept after a failure (see the file comment); any other error means nothing was left
 */
export async function ensureXcpngLuaVm(client: XapiClient, spec: XcpngLuaVmSpec, options: XcpngLifecycleOptions = {}): Promise<XcpngLuaVmState> {
  const createDeadline = Date.now() + (options.createMs ?? DEFAULT_CREATE_MS);
  options.onProgress?.(`VM "${spec.name}": ${spec.adopt ? `adopting ${spec.adopt}` : `finding or cloning ${spec.template}`}`);
  const vm = await acquireVm(client, spec, { deadline: Deadline.at(createDeadline), signal: options.signal });
  const carried: CarriedFacts = { adopted: vm.adopted, networks: spec.networks };
  let recorded: string | undefined;
  try {
    await converge(client, vm.ref, spec, { allowHalt: !vm.adopted || spec.allowRestart, deadline: createDeadline, signal: options.signal });
    recorded = await recordedHostKey(client, vm.ref);
  } catch (error) {
    if (vm.adopted) throw new XcpngLuaVmError("configure adopted VM", vm.uuid, await observeVm(client, vm.ref, carried), error);
    const cleanup = await destroyVm(client, vm.ref, { owner: spec.owner, cleanTimeoutMs: 10_000, deadline: 120_000 }).then(
      () => "the VM was destroyed again",
      (cleanupError: unknown) => `destroying the VM failed too (${String(cleanupError)}): remove VM ${vm.uuid} by hand`,
    );
    throw new Error(`creating VM "${spec.name}" failed: ${(error as Error).message} — ${cleanup}`, { cause: error });
  }
  return ready(client, vm.ref, vm.uuid, spec, carried, { recordedHostKey: recorded, mayTrustOnFirstUse: vm.ours, deadline: Date.now() + (options.readyMs ?? DEFAULT_READY_MS), options });
}

/**
 * Brings an existing VM to the spec (rename, tags, resources — halting only when
 * `spec.allowRestart` — VIFs, power, readiness).
 * @throws Error when the VM is gone or not ours; XcpngLuaVmError (with its state) when a step failed
 */
export async function updateXcpngLuaVm(client: XapiClient, vmUuid: string, spec: XcpngLuaVmSpec, prior: XcpngPriorFacts, options: XcpngLifecycleOptions = {}): Promise<XcpngLuaVmState> {
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) throw new Error(`VM ${vmUuid} no longer exists (deleted outside this stack?); refresh to forget it, then run again to create a new one`);
  await assertOwned(client, "VM", vm, spec.owner, { adopted: prior.adopted });
  const carried: CarriedFacts = { ...prior, networks: spec.networks };
  try {
    await converge(client, vm, spec, { allowHalt: spec.allowRestart, deadline: Date.now() + (options.createMs ?? DEFAULT_CREATE_MS), signal: options.signal });
  } catch (error) {
    throw new XcpngLuaVmError("update VM", vmUuid, await observeVm(client, vm, carried), error);
  }
  const recorded = prior.hostKeyFingerprint ?? (await recordedHostKey(client, vm));
  const mayTrustOnFirstUse = !prior.adopted;
  return ready(client, vm, vmUuid, spec, carried, { recordedHostKey: recorded, mayTrustOnFirstUse, deadline: Date.now() + (options.readyMs ?? DEFAULT_READY_MS), options });
}

/** The VM's current state, or undefined when it no longer exists. Does not connect over SSH. */
export async function readXcpngLuaVm(client: XapiClient, vmUuid: string, prior: XcpngPriorFacts & { networks?: XcpngLuaVmSpec["networks"] }): Promise<XcpngLuaVmState | undefined> {
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) return undefined;
  return observeVm(client, vm, prior);
}

/**
 * Shuts the VM down (clean, hard after half the delete timeout) and destroys it with its disks.
 * Refuses a VM without this owner's marker unless it was adopted; a VM already gone is success.
 * @returns false when the VM was already gone
 */
export async function destroyXcpngLuaVm(client: XapiClient, vmUuid: string, owner: string, prior: { adopted: boolean }, options: XcpngLifecycleOptions = {}): Promise<boolean> {
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) return false;
  const deleteMs = options.deleteMs ?? DEFAULT_DELETE_MS;
  options.onProgress?.(`VM ${vmUuid}: shutting down and destroying`);
  const result = await destroyVm(client, vm, { owner, adopted: prior.adopted, cleanTimeoutMs: Math.ceil(deleteMs / 2), deadline: deleteMs, signal: options.signal });
  return result.destroyed;
}

interface ConvergeOptions {
  allowHalt: boolean;
  deadline: number;
  signal?: AbortSignal;
}

async function converge(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, options: ConvergeOptions): Promise<void> {
  const wait = { deadline: Deadline.at(options.deadline), signal: options.signal };
  await applyHardware(client, vm, spec, { allowHalt: options.allowHalt || spec.powerState === "halted", ...wait });
  await syncNics(client, vm, spec);
  await applyPowerState(client, vm, spec.powerState, wait);
}

async function applyPowerState(client: XapiClient, vm: string, wanted: "running" | "halted", wait: WaitOptions): Promise<void> {
  const current = String(await withContext({ step: "read power state", object: vm }, () => client.call("VM.get_power_state", vm)));
  if (wanted === "halted") {
    if (current !== "Halted") await shutdownVm(client, vm, { cleanTimeoutMs: 60_000, ...wait });
    return;
  }
  if (current === "Halted") await startVm(client, vm, wait);
  else if (current === "Paused") await withContext({ step: "unpause VM", object: vm }, () => client.callAsyncWith(wait, "VM.unpause", vm));
  else if (current === "Suspended") await withContext({ step: "resume VM", object: vm }, () => client.callAsyncWith(wait, "VM.resume", vm, false, false));
}

interface ReadyStep {
  recordedHostKey?: string;
  mayTrustOnFirstUse: boolean;
  deadline: number;
  options: XcpngLifecycleOptions;
}

async function ready(client: XapiClient, vm: string, vmUuid: string, spec: XcpngLuaVmSpec, carried: CarriedFacts, step: ReadyStep): Promise<XcpngLuaVmState> {
  if (spec.powerState === "halted") return observeVm(client, vm, { ...carried, hostKeyFingerprint: carried.hostKeyFingerprint ?? step.recordedHostKey });
  try {
    const found = await waitUntilReady(client, vm, vmUuid, spec, {
      deadline: step.deadline,
      signal: step.options.signal,
      recordedHostKey: step.recordedHostKey,
      mayTrustOnFirstUse: step.mayTrustOnFirstUse,
      onProgress: step.options.onProgress,
    });
    return observeVm(client, vm, { ...carried, hostKeyFingerprint: found.hostKeyFingerprint, lua: found.lua });
  } catch (error) {
    const facts = { ...carried, hostKeyFingerprint: carried.hostKeyFingerprint ?? step.recordedHostKey };
    // The VM stays either way: if it cannot be read now, report what the spec asked for, never lose its uuid.
    const state = await observeVm(client, vm, facts).catch(() => assumedState(vmUuid, spec, facts));
    throw new XcpngLuaVmError("wait for the VM to be ready", vmUuid, state, error);
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
  };
}

async function recordedHostKey(client: XapiClient, vm: string): Promise<string | undefined> {
  const otherConfig = (await withContext({ step: "read the recorded SSH host key", object: vm }, () => client.call("VM.get_other_config", vm))) as Record<string, string>;
  return otherConfig[HOST_KEY_MARKER] || undefined;
}
