/**
 * VmNetwork dynamic-provider implementation: a private network or a VLAN on a PIF, with the VMs
 * attached to it (VIFs hot-plugged on running VMs) and each attached guest's address.
 * Loaded in the provider host as `bioxen-luavm/provider/impl/vm-network` (../vm-network.ts);
 * the XAPI steps are sdk/vm/network's.
 * id = the network uuid.
 */
import type * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "node:crypto";
import {
  createNetwork,
  currentAttachments,
  findNetwork,
  networkUuidOf,
  observeNetwork,
  ownedVifs,
  reconcileVifs,
  renameNetwork,
  repairVlan,
  teardownNetwork,
  unfinishedNetworks,
  waitForAttachments,
  type AttachSpec,
} from "../../../sdk/vm/network";
import { Deadline } from "../../../sdk/base/deadline";
import { outsidePhase, withinPhase } from "../../../sdk/base/phase-scope";
import type { XapiClient } from "../../../sdk/xapi";
import { assertOwned, setMarkerState, type Claim } from "../../../sdk/xapi/recipes";
import { withXapi, type ConnectionInput } from "../../runtime/connections";
import { compact, reveal } from "../../runtime/inputs";
import { importMarkOf, isImportRead } from "../../runtime/imported";
import { withCreateSlot } from "../../runtime/limiter";
import { PartialCreateError } from "../../runtime/partial";
import { keptOnDelete, readImported, refuseForeignUpdate } from "./import";
import { VM_NETWORK_DEFAULTS, type VmNetworkInputs } from "./inputs";
import { outputsOf, type VmNetworkOutputs } from "./outputs";

export { configure } from "../../runtime/config";
export { check } from "./inputs";
export { diff } from "./diff";

/** Deadlines of one operation, from the `timeouts` input (seconds). */
function deadlines(inputs: VmNetworkInputs, kind: "create" | "delete"): { signal: AbortSignal; readyEndsAt: number } {
  const total = (kind === "create" ? inputs.timeouts?.create ?? VM_NETWORK_DEFAULTS.createSeconds : inputs.timeouts?.delete ?? VM_NETWORK_DEFAULTS.deleteSeconds) * 1000;
  const ready = (inputs.timeouts?.ready ?? VM_NETWORK_DEFAULTS.readySeconds) * 1000;
  const now = Date.now();
  return { signal: AbortSignal.timeout(total), readyEndsAt: now + Math.min(total, ready) };
}

/** The limit (seconds) and `timeouts` key of a step that has one. */
function phaseLimit(inputs: VmNetworkInputs, step: string): { key: "create" | "delete"; seconds: number } | undefined {
  if (step === "delete") return { key: "delete", seconds: inputs.timeouts?.delete ?? VM_NETWORK_DEFAULTS.deleteSeconds };
  if (step === "create" || step === "update") return { key: "create", seconds: inputs.timeouts?.create ?? VM_NETWORK_DEFAULTS.createSeconds };
  return undefined;
}

/**
 * Runs `fn` with the pool's shared client, naming the resource and step on failure; within a
 * create, update or delete every XAPI call ends by that step's timeout (sdk/base/phase-scope).
 */
async function withPool<T>(inputs: VmNetworkInputs, step: string, fn: (client: XapiClient, url: string) => Promise<T>): Promise<T> {
  const limit = phaseLimit(inputs, step);
  const run = () => withXapi(inputs.connection as ConnectionInput | undefined, fn);
  try {
    return await (limit ? withinPhase(`${step} phase, timeouts.${limit.key} = ${limit.seconds} s`, Deadline.in(limit.seconds * 1000), run) : run());
  } catch (error) {
    if (error instanceof PartialCreateError) throw error;
    throw new Error(`VmNetwork "${inputs.name}": ${step} failed: ${(error as Error).message} — ${whatToDo(step)}`, { cause: error });
  }
}

/** What the user does after a failed step: the engine state still describes the network as it was. */
function whatToDo(step: string): string {
  if (step === "delete") return "the network stays in the stack's state; fix the cause and run destroy (or up) again";
  if (step === "read") return "the state is unchanged; fix the cause and run refresh again";
  return `fix the cause and run up again (the next ${step} continues from what exists)`;
}

/**
 * Creates the network (and VLAN), attaches the VMs, waits for the running ones' addresses.
 * First removes what an interrupted create of the same name left unfinished (clearUnfinished).
 * Any failure removes what this attempt made; if that removal fails too, the error carries the
 * id and properties so the engine keeps the network in the state.
 */
export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = reveal<VmNetworkInputs>(raw);
  const claim = { owner: inputs.__owner, instance: randomUUID() };
  const withInstance = { ...inputs, __instance: claim.instance };
  const { signal, readyEndsAt } = deadlines(inputs, "create");
  return withPool(inputs, "create", async (client, url) => {
    const { ref, vifs } = await withCreateSlot(url, async () => {
      await clearUnfinished(client, raw);
      const network = await createNetwork(client, { ...inputs, owner: claim });
      try {
        const vifs = await reconcileVifs(client, network, inputs.attach, { owner: claim, mtu: inputs.mtu });
        return { ref: network, vifs };
      } catch (error) {
        throw await rolledBack(client, network, withInstance, raw, error);
      }
    }, signal);
    try {
      const attachments = await waitForAttachments(client, vifs, inputs.attach, { deadline: readyEndsAt, signal });
      const observed = await observeNetwork(client, ref);
      await setMarkerState(client, "network", ref, "complete");
      return { id: observed.uuid, outs: outputsOf(withInstance, observed, attachments) };
    } catch (error) {
      throw await rolledBack(client, ref, withInstance, raw, error);
    }
  });
}

/** Tears down a half-made network; returns the error to throw (partial state if teardown failed). */
async function rolledBack(client: XapiClient, network: string, inputs: VmNetworkInputs, raw: Record<string, unknown>, error: unknown): Promise<Error> {
  const reason = (error as Error).message;
  try {
    // The rollback has its own budget: a create that ran out of time must not leave its network behind.
    await outsidePhase(() => teardownNetwork(client, network, claimOf(inputs)));
    return new Error(`${reason} (the network and VIFs made by this attempt were removed again)`, { cause: error });
  } catch (cleanupError) {
    return keptInState(client, network, inputs.__instance!, raw, (uuid) => `${reason}; removing the new network ${uuid} also failed: ${(cleanupError as Error).message}`, error);
  }
}

/**
 * Removes what interrupted creates of this name left unfinished ("creating"), each under the
 * instance its own marker names: its VIFs written for the VM they are on (never a copy a user's
 * clone or snapshot carries), its VLAN, the network. One that cannot be removed — a copy of its
 * VIF is on it — is handed to the engine as this create's partial state, so a destroy (once the
 * user removed that VIF) removes it instead of it being lost.
 */
async function clearUnfinished(client: XapiClient, raw: Record<string, unknown>): Promise<void> {
  const { __owner: owner, name } = reveal<VmNetworkInputs>(raw);
  for (const left of await unfinishedNetworks(client, owner, name)) {
    try {
      await teardownNetwork(client, left.ref, left.claim);
    } catch (error) {
      const message = (uuid: string) => `the network ${uuid} an interrupted create left could not be removed (${(error as Error).message}); it is kept in the state: remove the VIFs named, then run up or destroy again`;
      throw await keptInState(client, left.ref, left.claim.instance!, raw, message, error);
    }
  }
}

/**
 * The partial-state error for a network of `instance` this create could not remove: marked
 * "complete" (no retry removes it behind the engine's back), properties as the network is.
 */
async function keptInState(client: XapiClient, network: string, instance: string, raw: Record<string, unknown>, message: (uuid: string) => string, cause: unknown): Promise<PartialCreateError> {
  await setMarkerState(client, "network", network, "complete").catch(() => undefined);
  const observed = await observeNetwork(client, network).catch(() => undefined);
  const uuid = observed?.uuid ?? (await networkUuidOf(client, network));
  const actual = observed ? { name: observed.name, description: observed.description, mtu: observed.mtu, vlan: observed.vlan } : {};
  const properties = compact({ ...raw, ...actual, __instance: instance, networkUuid: uuid, bridge: observed?.bridge ?? "", attachments: [] });
  return new PartialCreateError(message(uuid), uuid, properties, cause);
}

/**
 * Reads the network back: gone → no id; otherwise name, description, MTU, VLAN and our VIFs
 * as they are now (VIFs removed outside show up as drift in `attach` and `attachments`).
 */
export async function read(id: string, raw: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  if (isImportRead(raw)) return readImported(id, raw);
  const props = reveal<VmNetworkOutputs>(raw);
  return withPool(props, "read", async (client) => {
    const ref = await findNetwork(client, id);
    if (!ref) return {};
    await assertOwned(client, "network", ref, claimOf(props));
    const observed = await observeNetwork(client, ref);
    const vifs = await ownedVifs(client, ref, claimOf(props), recordedVifs(props));
    const oldSpecs = props.attach ?? [];
    const attach: AttachSpec[] = vifs.map((vif) => {
      const spec = oldSpecs.find((s) => s.vmUuid.toLowerCase() === vif.vmUuid);
      return compact({ vmUuid: spec?.vmUuid ?? vif.vmUuid, expectedCidr: spec?.expectedCidr });
    });
    const inputs: VmNetworkInputs = compact({
      ...props,
      name: observed.name,
      description: observed.description,
      mtu: observed.mtu,
      vlan: observed.vlan,
      attach,
    });
    const outs = outputsOf(inputs, observed, await currentAttachments(client, vifs, attach));
    const { networkUuid: _u, bridge: _b, attachments: _a, __instance: _i, ...inputsOnly } = outs;
    return { id, props: outs, inputs: inputsOnly };
  });
}

/**
 * Applies in-place changes: name/description, the VLAN on hosts that lost their VLAN PIF, and the attach list (new VIFs plugged live on
 * running VMs, removed ones unplugged and destroyed). Returns the full outputs.
 */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  refuseForeignUpdate(id, olds);
  const old = reveal<VmNetworkOutputs>(olds);
  // The objects keep the identity they were created with (owner.ts).
  const inputs: VmNetworkInputs = { ...reveal<VmNetworkInputs>(news), __owner: old.__owner, ...(old.__instance ? { __instance: old.__instance } : {}) };
  const { signal, readyEndsAt } = deadlines(inputs, "create");
  return withPool(inputs, "update", async (client) => {
    const ref = await findNetwork(client, id);
    if (!ref) throw new Error(`network ${id} no longer exists; run \`pulumi refresh\` so it is created again`);
    await renameNetwork(client, ref, claimOf(inputs), inputs.name, inputs.description);
    if (inputs.vlan) await repairVlan(client, ref, claimOf(inputs));
    const vifs = await reconcileVifs(client, ref, inputs.attach, { owner: claimOf(inputs), mtu: inputs.mtu, recorded: recordedVifs(old) });
    const attachments = await waitForAttachments(client, vifs, inputs.attach, { deadline: readyEndsAt, signal });
    return { outs: { ...outputsOf(inputs, await observeNetwork(client, ref), attachments), ...importMarkOf(olds) } };
  });
}

/** Detaches our VIFs, destroys the VLAN, then the network; only objects carrying our marker. */
export async function deleteNetwork(id: string, raw: Record<string, unknown>): Promise<void> {
  if (await keptOnDelete(id, raw)) return;
  const props = reveal<VmNetworkOutputs>(raw);
  const { signal } = deadlines(props, "delete");
  await withPool(props, "delete", async (client) => {
    const ref = await findNetwork(client, id);
    if (!ref) return;
    await abortable(teardownNetwork(client, ref, claimOf(props), recordedVifs(props)), signal, `delete of network ${id}`);
  });
}
export { deleteNetwork as delete };

/** The claim on this resource's objects: owner and, unless its state was written by 0.1.0, instance. */
function claimOf(props: Pick<VmNetworkInputs, "__owner" | "__instance">): Claim {
  return props.__instance ? { owner: props.__owner, instance: props.__instance } : { owner: props.__owner };
}

/** The VIF uuids the state records: what a 0.1.0 resource (no instance) may touch. */
function recordedVifs(props: Partial<VmNetworkOutputs>): Set<string> {
  return new Set((props.attachments ?? []).map((a) => a.vifUuid));
}

/** Rejects when `signal` fires first (the teardown's own XAPI calls each have a deadline too). */
function abortable<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`${what} did not finish within timeouts.delete; run destroy again to continue`));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
