/**
 * Finding and removing the objects of acceptance runs — and nothing else. An object belongs to
 * run R when its own marker names R (`bioxen:owner` = `bioxen-acceptance/R/…` and `bioxen:self`,
 * or for a VIF `bioxen:vm`, is the object it sits on: a copy made by someone else never matches),
 * or, for a VM carrying no marker at all, when its name starts with R's name prefix (the VM the
 * adoption scenario makes before adopting it, a clone made just before its provider was killed).
 * Snapshots are never included.
 */
import { XapiClient } from "../../sdk/xapi";
import { destroyNetwork, destroyVm, instanceMarkerKey, isGone, markerPrefix, ownerMarkerKey, selfMarkerKey, vifVmMarkerKey } from "../../sdk/xapi/recipes";
import type { AcceptanceTarget } from "./target";
import { runIdOfName, runIdOfOwner } from "./run-identity";

/** Classes an acceptance run creates objects of, in the order a sweep removes them. */
const SWEPT = ["VM", "network", "VIF", "VDI"] as const;
type SweptClass = (typeof SWEPT)[number];

/** One object of an acceptance run. */
export interface RunObject {
  cls: SweptClass;
  ref: string;
  uuid: string;
  name: string;
  runId: string;
  /** The owner/instance of its marker (absent for a VM found by name only). */
  claim?: { owner: string; instance?: string };
}

type XapiRecord = Record<string, unknown>;

/** Logs a client in to the target's pool (TLS trust as configured, never switched off). */
export function connectTo(target: AcceptanceTarget, originator = "bioxen-acceptance"): Promise<XapiClient> {
  const { url, username, password, tlsFingerprint, caFile } = target.xapi;
  const tls = tlsFingerprint ? { fingerprint256: tlsFingerprint } : caFile ? { caFile } : undefined;
  return XapiClient.connect({ url, username, password, originator, timeoutMs: 60_000, ...(tls ? { tls } : {}) });
}

/** Every object of every acceptance run on the pool (read-only calls only). */
export async function findRunObjects(client: XapiClient): Promise<RunObject[]> {
  const records = new Map<SweptClass, Record<string, XapiRecord>>();
  for (const cls of SWEPT) records.set(cls, (await client.call(`${cls}.get_all_records`)) as Record<string, XapiRecord>);
  const vmUuidOf = (ref: unknown) => String(records.get("VM")![String(ref)]?.uuid ?? "");
  const found: RunObject[] = [];
  for (const cls of SWEPT) {
    for (const [ref, record] of Object.entries(records.get(cls)!)) {
      const object = runObjectOf(cls, ref, record, cls === "VIF" ? vmUuidOf(record.VM) : undefined);
      if (object) found.push(object);
    }
  }
  return found;
}

function runObjectOf(cls: SweptClass, ref: string, record: XapiRecord, vifVmUuid: string | undefined): RunObject | undefined {
  if (record.is_a_snapshot === true || record.is_control_domain === true) return undefined;
  const otherConfig = (record.other_config ?? {}) as Record<string, string>;
  const uuid = String(record.uuid);
  const name = String(record.name_label ?? "");
  const owner = otherConfig[ownerMarkerKey];
  const markedRun = runIdOfOwner(owner);
  if (markedRun) {
    const sitsOn = cls === "VIF" ? otherConfig[vifVmMarkerKey] === vifVmUuid : otherConfig[selfMarkerKey] === uuid;
    if (!sitsOn) return undefined;
    const instance = otherConfig[instanceMarkerKey];
    return { cls, ref, uuid, name, runId: markedRun, claim: { owner: owner!, ...(instance ? { instance } : {}) } };
  }
  const unmarked = !Object.keys(otherConfig).some((key) => key.startsWith(markerPrefix));
  // A clone whose marker was never written (the provider was killed right after VM.clone) is
  // still a template then; its name, which only a run gives, says whose it is.
  const namedRun = cls === "VM" && unmarked ? runIdOfName(name) : undefined;
  return namedRun ? { cls, ref, uuid, name, runId: namedRun } : undefined;
}

/** Removes the given run objects (VMs with their disks, networks with their VIFs, then stray VIFs and disks). */
export async function sweep(client: XapiClient, objects: readonly RunObject[]): Promise<string[]> {
  const removed: string[] = [];
  for (const cls of SWEPT) {
    for (const object of objects.filter((o) => o.cls === cls)) {
      await removeOne(client, object);
      removed.push(`${object.cls} ${object.uuid} "${object.name}"`);
    }
  }
  return removed;
}

/** The objects of run `runId`. */
export async function objectsOfRun(client: XapiClient, runId: string): Promise<RunObject[]> {
  return (await findRunObjects(client)).filter((o) => o.runId === runId);
}

/**
 * Removes what run `runId` left. A provider process killed mid-create may have left an
 * asynchronous task (a clone) that makes a VM after this sweep looked: every task still pending
 * is waited for (up to `taskDeadlineMs` each), then the run is swept again.
 */
export async function sweepRun(client: XapiClient, runId: string, taskDeadlineMs = 300_000): Promise<string[]> {
  const removed = await sweep(client, await objectsOfRun(client, runId));
  const tasks = (await client.call("task.get_all_records")) as Record<string, { status?: string }>;
  const pending = Object.entries(tasks).filter(([, task]) => task.status === "pending").map(([ref]) => ref);
  if (pending.length === 0) return removed;
  for (const ref of pending) {
    // A task that outlives the deadline does not stop the sweep: whatever exists by then is removed.
    await client.waitFor([`task/${ref}`], (e) => e.operation === "del" || e.snapshot?.status !== "pending", { deadline: taskDeadlineMs }).catch(() => undefined);
  }
  return [...removed, ...(await sweep(client, await objectsOfRun(client, runId)))];
}

async function removeOne(client: XapiClient, object: RunObject): Promise<void> {
  // A VM's VIFs and disks may already have gone with it.
  const gone = (error: unknown) => {
    if (!isGone(error)) throw error;
  };
  switch (object.cls) {
    case "VM":
      await destroyVm(client, object.ref, { ...(object.claim ? { owner: object.claim } : {}), cleanTimeoutMs: 30_000, deadline: 300_000 });
      return;
    case "network":
      await destroyNetwork(client, object.ref, { owner: object.claim!, removeVifs: true });
      return;
    case "VIF":
      await client.call("VIF.destroy", object.ref).catch(gone);
      return;
    case "VDI":
      await client.call("VDI.destroy", object.ref).catch(gone);
  }
}
