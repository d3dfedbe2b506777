/**
 * The XAPI traffic of one XcpngLuaVM create, one refresh (read) and one delete through the
 * provider, counted by the simulator (calls and bytes both ways), in a pool pre-filled with
 * `fillerVms` halted VMs. Issue #12 target 5: these must not grow with the pool. No vitest here:
 * the scale test and bench/peers both use it.
 */
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { setConfiguredValues } from "../../provider/runtime/config";
import { closeAllXapiClients } from "../../provider/runtime/connections";
import { closeAllSshConnections } from "../../sdk/ssh";
import type { SimTraffic, Simulator } from "../../sim";
import { startTestSim } from "./sim";
import { configureProviderFor, providerInputs } from "./xcpng-inputs";

/** XAPI calls and bytes (request + response) of one operation. */
export interface OperationTraffic {
  calls: number;
  bytes: number;
  /** calls per method */
  byMethod: Record<string, number>;
}

/** The traffic of each operation of one resource's life. */
export interface ResourceTraffic {
  /** VMs in the pool (templates and control domains included) before the create */
  poolVms: number;
  create: OperationTraffic;
  read: OperationTraffic;
  delete: OperationTraffic;
}

function difference(after: SimTraffic, before: SimTraffic): OperationTraffic {
  const byMethod: Record<string, number> = {};
  for (const [method, count] of Object.entries(after.byMethod)) {
    const delta = count - (before.byMethod[method] ?? 0);
    if (delta > 0) byMethod[method] = delta;
  }
  return { calls: after.calls - before.calls, bytes: after.bytesReceived + after.bytesSent - before.bytesReceived - before.bytesSent, byMethod };
}

async function counted<T>(sim: Simulator, operation: () => Promise<T>): Promise<{ result: T; traffic: OperationTraffic }> {
  const before = sim.traffic();
  const result = await operation();
  return { result, traffic: difference(sim.traffic(), before) };
}

/**
 * Starts a simulator with `fillerVms` extra VMs and sshd guests on `addressBase`, runs create,
 * read and delete of one XcpngLuaVM through the provider and returns the traffic of each. The
 * provider's XAPI session is opened before the create, so the create is not charged for the login.
 */
export async function measureResourceTraffic(fillerVms: number, addressBase: string): Promise<ResourceTraffic> {
  const env = await startTestSim({ fillerVms }, { sshGuests: { addressBase }, client: false });
  configureProviderFor(env);
  try {
    const { inputs } = await impl.check({}, providerInputs(env, "scale-vm", { __owner: "scale/dev/XcpngLuaVM/vm", timeouts: { create: 60, ready: 60, delete: 30 } }));
    const poolVms = env.sim.objects("VM").length;
    // A read of a VM that does not exist opens the provider's session (login, pool uuid) up front.
    await impl.read("00000000-0000-4000-8000-000000000000", inputs);
    const created = await counted(env.sim, () => impl.create(inputs));
    const { id, outs } = created.result;
    const read = await counted(env.sim, () => impl.read(id, outs));
    const deleted = await counted(env.sim, () => impl.delete(id, outs));
    if (env.sim.objects("VM").length !== poolVms) throw new Error(`the pool holds ${env.sim.objects("VM").length} VMs after the delete, not ${poolVms}`);
    return { poolVms, create: created.traffic, read: read.traffic, delete: deleted.traffic };
  } finally {
    setConfiguredValues({});
    await closeAllSshConnections();
    await closeAllXapiClients();
    await env.stop();
  }
}
