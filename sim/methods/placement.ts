/**
 * Where a starting VM runs, after xapi's choose_host_for_vm (xapi_vm_helpers.ml): its affinity
 * host when that host is live, enabled and can take it; otherwise a host chosen by the pool —
 * here always the master, so placement without affinity stays deterministic for tests.
 */
import type { SimCore } from "../rpc/core";
import { XapiFailure } from "../model/failure";
import { NULL_REF } from "../schema";

/** Whether the host is up: enabled and its metrics say live (xapi's is-live check). */
export function isHostLive(core: SimCore, host: string): boolean {
  const store = core.store;
  if (!store.has("host", host)) return false;
  const record = store.get("host", host);
  return record.enabled === true && store.has("host_metrics", record.metrics) && store.get("host_metrics", record.metrics).live === true;
}

/**
 * Throws HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] when the VM's static maximum does not
 * fit beside the guests already resident on the host.
 */
export function assertMemoryFits(core: SimCore, vmRef: string, host: string): void {
  const store = core.store;
  const free = store.get("host_metrics", store.get("host", host).metrics).memory_free;
  const used = store
    .all("VM")
    .filter((o) => o.record.resident_on === host && !o.record.is_control_domain && o.ref !== vmRef)
    .reduce((sum, o) => sum + o.record.memory_static_max, 0);
  const needed = store.get("VM", vmRef).memory_static_max;
  if (needed > free - used) throw new XapiFailure("HOST_NOT_ENOUGH_FREE_MEMORY", [needed, free - used]);
}

function fits(core: SimCore, vmRef: string, host: string): boolean {
  try {
    assertMemoryFits(core, vmRef, host);
    return true;
  } catch {
    return false;
  }
}

/** The host VM.start / VM.resume puts the VM on (memory checked on the master when it falls back there). */
export function chooseHost(core: SimCore, vmRef: string): string {
  const affinity: string = core.store.get("VM", vmRef).affinity;
  if (affinity !== NULL_REF && isHostLive(core, affinity) && fits(core, vmRef, affinity)) return affinity;
  assertMemoryFits(core, vmRef, core.refs.master);
  return core.refs.master;
}

/** The host VM.start_on was given: it must exist (HANDLE_INVALID), be live (HOST_OFFLINE) and have room. */
export function assertCanStartOn(core: SimCore, vmRef: string, host: string): string {
  core.store.get("host", host);
  if (!isHostLive(core, host)) throw new XapiFailure("HOST_OFFLINE", [host]);
  assertMemoryFits(core, vmRef, host);
  return host;
}
