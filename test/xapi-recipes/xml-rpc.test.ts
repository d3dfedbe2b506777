import { describe, expect, it } from "vitest";
import {
  createVif,
  createVlanNetwork,
  destroyNetwork,
  destroyVm,
  findTemplate,
  growRootDisk,
  installVm,
  setMemory,
  setVcpus,
  shutdownVm,
  startVm,
  waitForGuestAddresses,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const GiB = 1024 ** 3;
const wait = { deadline: 20_000 };
// An old host without /jsonrpc: every value travels as XML-RPC, int64 as untyped strings.
const env = useRecipeSim({ options: { jsonRpc: false }, transport: "xml-rpc" });

describe("the recipes over XML-RPC", () => {
  it("install, size, network, start, wait for the address, shut down and remove", async () => {
    expect(env.client.transport).toBe("xml-rpc");
    const owner = ownerFor("xmlrpc");
    const tpl = await findTemplate(env.client, TEMPLATES.builtin);
    const local = env.sim.record("SR", env.sim.objects("SR").find((o) => o.record.name_label === SEEDED.localSr)!.ref)!;
    const vm = await installVm(env.client, tpl.ref, { name: "xml-vm", mode: "clone", sr: local.uuid, owner });
    await setVcpus(env.client, vm, 2);
    await setMemory(env.client, vm, 2 * GiB);
    expect(await growRootDisk(env.client, vm, 12 * GiB)).toMatchObject({ previousBytes: 10 * GiB, changed: true });
    const { network } = await createVlanNetwork(env.client, { name: "xml-vlan", pifDevice: "eth0", vlan: 300, mtu: 1400, owner });
    await createVif(env.client, vm, network, { owner });
    await startVm(env.client, vm, wait);
    const addresses = await waitForGuestAddresses(env.client, vm, wait);
    expect(addresses["0"]).toMatch(/^127\.66\./);
    expect(env.sim.record("VM", vm)).toMatchObject({ VCPUs_max: 2, memory_static_max: 2 * GiB });
    expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 5_000, ...wait })).toBe("clean");
    expect((await destroyVm(env.client, vm, { owner, ...wait })).vdisDestroyed).toHaveLength(1);
    await destroyNetwork(env.client, network, { owner });
  });
});
