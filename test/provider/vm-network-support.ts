/** Set-up shared by the VmNetwork suites: a simulator, an XAPI client, guest VMs made with the sdk recipes. */
import { expect } from "vitest";
import { XapiClient } from "../../sdk/xapi";
import { createVif, destroyVm, findTemplate, installVm, ownerMarkerKey, ownerTag, startVm, waitForGuestAddresses } from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES, startSimulator, type Simulator, type SimulatorOptions } from "../../sim";

/** A simulator, a client of our own for set-up, and a leak baseline. */
export interface NetworkSim {
  sim: Simulator;
  client: XapiClient;
  /** Object counts when the file started. */
  baseline: Record<string, number>;
  /** The per-resource `connection` input reaching this simulator. */
  connection: { url: string; username: string; password: string };
  stop(): Promise<void>;
}

const COUNTED = ["VM", "VDI", "VBD", "VIF", "network", "VLAN", "PIF"] as const;

/** Starts a latency-free simulator (no pool member) and logs a set-up client in. */
export async function startNetworkSim(options: SimulatorOptions): Promise<NetworkSim> {
  const sim = await startSimulator({ slaveHost: false, latency: { scale: 0 }, ...options });
  try {
    const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, timeoutMs: 20_000 });
    return {
      sim,
      client,
      baseline: counts(sim),
      connection: { url: sim.url, username: sim.username, password: sim.password },
      async stop() {
        await client.close();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

function counts(sim: Simulator): Record<string, number> {
  return Object.fromEntries(COUNTED.map((cls) => [cls, sim.objects(cls).length]));
}

/** Asserts no object of ours is left and every count is as at the start. */
export function expectNoLeftovers(env: NetworkSim): void {
  for (const cls of ["VM", "VIF", "network"]) {
    const ours = env.sim.objects(cls).filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag));
    expect(ours.map((o) => `${cls} ${o.record.name_label ?? o.ref}`)).toEqual([]);
  }
  expect(counts(env.sim)).toEqual(env.baseline);
}

/** A guest VM made with the recipes: on the management network (device 0), started. */
export interface GuestVm {
  ref: string;
  uuid: string;
  /** Address on the management network. */
  address: string;
  destroy(): Promise<void>;
}

/** Installs, wires (device 0 on the management network) and starts a VM from `template`. */
export async function startGuestVm(env: NetworkSim, name: string, template: string = TEMPLATES.cloneReady, waitForAddress = true): Promise<GuestVm> {
  const owner = `vm-network-test/${name}-${Math.random().toString(36).slice(2, 8)}`;
  const wait = { deadlineMs: 30_000 };
  const tpl = await findTemplate(env.client, template);
  const ref = await installVm(env.client, tpl.ref, { name, mode: "clone", owner });
  const destroy = async () => void (await destroyVm(env.client, ref, { owner, cleanTimeoutMs: 5_000, ...wait }));
  try {
    const management = env.sim.objects("network").find((o) => o.record.name_label === SEEDED.managementNetwork)!;
    await createVif(env.client, ref, management.ref, { owner, device: "0" });
    await startVm(env.client, ref, wait);
    const address = waitForAddress ? (await waitForGuestAddresses(env.client, ref, wait))["0"]! : "";
    return { ref, uuid: String(await env.client.call("VM.get_uuid", ref)), address, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/** A fresh owner identity per test. */
export function testOwner(name: string): string {
  return `vm-network-test/dev/VmNetwork/${name}-${Math.random().toString(36).slice(2, 8)}`;
}
