/** Set-up shared by the VmNetwork suites: a simulator, an XAPI client, guest VMs made with the sdk recipes. */
import { createVif, destroyVm, findTemplate, installVm, startVm, waitForGuestAddresses } from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES, type SimulatorOptions } from "../../sim";
import { startTestSim, type TestSim } from "../support/sim";

/** A simulator, a client of our own for set-up, and a leak baseline (checked with `expectNoLeftovers`). */
export interface NetworkSim extends TestSim {
  /** The per-resource `connection` input reaching this simulator. */
  connection: { url: string; username: string; password: string };
}

const COUNTED = ["VM", "VDI", "VBD", "VIF", "network", "VLAN", "PIF"] as const;

/** Starts a latency-free simulator (no pool member) and logs a set-up client in. */
export async function startNetworkSim(options: SimulatorOptions): Promise<NetworkSim> {
  const session = await startTestSim(options, { counted: COUNTED });
  const { url, username, password } = session.sim;
  return { ...session, connection: { url, username, password } };
}

/** Asserts no VM, VIF or network of ours is left and every counted class is as at the start. */
export { expectNoLeftovers } from "../support/sim-suite";

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
  const wait = { deadline: 30_000 };
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
