import { randomInt } from "node:crypto";
import { generateClientKeyPair } from "../support/client-key";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as vmNetwork from "../../provider/impl/vm-network";
import type { VmNetworkOutputs } from "../../provider/impl/vm-network/outputs";
import { closeAllXapiClients } from "../../provider/runtime/connections";
import { LuaRunner } from "../../sdk/lua";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { destroyVif, ownerMarkerKey } from "../../sdk/xapi/recipes";
import { expectNoLeftovers, startGuestVm, startNetworkSim, testOwner, type GuestVm, type NetworkSim } from "./vm-network-support";

const keys = generateClientKeyPair();
const user = require("node:os").userInfo().username as string;
let env: NetworkSim;
let vmA: GuestVm;
let vmB: GuestVm;
/** Deletes of what a test created, run even when it fails (delete is idempotent). */
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  env = await startNetworkSim({ guest: { authorizedKeys: [keys.public], bootDelayMs: 100 } });
  [vmA, vmB] = await Promise.all([startGuestVm(env, "net-guest-a"), startGuestVm(env, "net-guest-b")]);
});

afterAll(async () => {
  await closeAllSshConnections();
  await closeAllXapiClients();
  if (!env) return;
  try {
    for (const cleanup of cleanups) await cleanup();
    await Promise.all([vmA?.destroy(), vmB?.destroy()]);
    expectNoLeftovers(env);
  } finally {
    await env.stop();
  }
});

/** A guest's sshd on one of its addresses, host key pinned. */
function guestLua(vm: GuestVm, address: string): LuaRunner {
  const fingerprint = env.sim.sshGuests!.hostKeyFingerprint(vm.uuid);
  return new LuaRunner(sshTarget({ host: address, port: 2222, username: user, privateKey: keys.private, hostKey: { fingerprint } }), { interpreter: "lua5.4" });
}

const SERVER = `
local socket = require("socket")
local address, port = ...
local server = assert(socket.bind(address, tonumber(port)))
server:settimeout(20)
local client = assert(server:accept())
client:settimeout(10)
local line = assert(client:receive("*l"))
local peer = client:getpeername()
client:send("pong " .. line .. "\\n")
client:close()
server:close()
print(peer .. " said " .. line)
`;

const CLIENT = `
local socket = require("socket")
local own, address, port = ...
local deadline = socket.gettime() + 20
while true do
  local conn = socket.tcp()
  assert(conn:bind(own, 0))
  conn:settimeout(5)
  local ok, err = conn:connect(address, tonumber(port))
  if ok then
    conn:send("ping from " .. own .. "\\n")
    local reply = assert(conn:receive("*l"))
    print(reply)
    conn:close()
    return
  end
  conn:close()
  if socket.gettime() > deadline then error("cannot connect to " .. address .. ":" .. port .. ": " .. tostring(err)) end
  socket.sleep(0.1)
end
`;

describe("VmNetwork against the simulator with real guests", () => {
  it("attaches two running VMs that then talk LuaSocket over their addresses on it, follows attach changes and drift, and deletes everything", async () => {
    const owner = testOwner("lab");
    const inputs = { connection: env.connection, name: "lab", description: "test lab", mtu: 9000, attach: [{ vmUuid: vmA.uuid, expectedCidr: "127.77.0.0/16" }, { vmUuid: vmB.uuid }], timeouts: { ready: 30 }, __owner: owner };
    const { id, outs } = await vmNetwork.create(inputs);
    const created = outs as VmNetworkOutputs;
    cleanups.push(() => vmNetwork.delete(id, outs));
    const network = env.sim.refOf(id)!;
    expect(env.sim.record("network", network)).toMatchObject({ name_label: "lab", name_description: "test lab", MTU: 9000, PIFs: [] });
    expect(env.sim.record("network", network)!.other_config[ownerMarkerKey]).toBe(owner);
    expect(created).toMatchObject({ ...inputs, networkUuid: id, bridge: env.sim.record("network", network)!.bridge });
    expect(created.attachments.map((a) => [a.vmUuid, a.device])).toEqual([[vmA.uuid, "1"], [vmB.uuid, "1"]]);
    const [onA, onB] = created.attachments.map((a) => a.address!);
    expect(onA).toMatch(/^127\.77\.\d+\.\d+$/);
    expect(onB).toMatch(/^127\.77\.\d+\.\d+$/);
    expect(new Set([onA, onB, vmA.address, vmB.address]).size).toBe(4);
    for (const a of created.attachments) {
      const vif = env.sim.record("VIF", env.sim.refOf(a.vifUuid)!)!;
      expect(vif).toMatchObject({ currently_attached: true, MTU: 9000, network });
      expect(vif.other_config[ownerMarkerKey]).toBe(owner);
    }

    // LuaSocket between the guests, each reached and addressed on this network.
    const port = String(randomInt(20_000, 40_000));
    const server = guestLua(vmA, onA!).runChunk(SERVER, { args: [onA!, port], deadline: 30_000 });
    const client = await guestLua(vmB, onB!).runChunk(CLIENT, { args: [onB!, onA!, port], deadline: 30_000 });
    const served = await server;
    expect(client.stderr).toBe("");
    expect(client.stdout.trim()).toBe(`pong ping from ${onB}`);
    expect(served.stdout.trim()).toBe(`${onB} said ping from ${onB}`);

    const read = await vmNetwork.read(id, created as unknown as Record<string, unknown>);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(created);
    expect(read.inputs).toEqual(inputs);

    // Detach B live: its VIF is unplugged and destroyed; A keeps its VIF and address.
    const fewer = { ...inputs, attach: [inputs.attach[0]!] };
    expect((await vmNetwork.diff(id, created as unknown as Record<string, unknown>, fewer)).replaces).toEqual([]);
    const updated = (await vmNetwork.update(id, created as unknown as Record<string, unknown>, fewer)).outs as VmNetworkOutputs;
    expect(updated.attachments).toEqual([created.attachments[0]]);
    expect(env.sim.refOf(created.attachments[1]!.vifUuid)).toBeUndefined();

    // A's VIF removed outside Pulumi: read shows the drift, update puts it back.
    await destroyVif(env.client, env.sim.refOf(created.attachments[0]!.vifUuid)!);
    const drifted = await vmNetwork.read(id, updated as unknown as Record<string, unknown>);
    expect((drifted.props as VmNetworkOutputs).attachments).toEqual([]);
    expect(drifted.inputs!.attach).toEqual([]);
    expect((await vmNetwork.diff(id, drifted.props!, fewer)).changes).toBe(true);
    const repaired = (await vmNetwork.update(id, drifted.props!, { ...fewer, name: "lab-renamed" })).outs as VmNetworkOutputs;
    expect(repaired.attachments).toHaveLength(1);
    expect(repaired.attachments[0]).toMatchObject({ vmUuid: vmA.uuid, address: expect.stringMatching(/^127\.77\./) });
    expect(env.sim.record("network", network)!.name_label).toBe("lab-renamed");

    await vmNetwork.delete(id, repaired as unknown as Record<string, unknown>);
    expect(env.sim.record("network", network)).toBeUndefined();
    expect(env.sim.objects("VIF").filter((o) => o.record.network === network)).toEqual([]);
    expect(await vmNetwork.read(id, repaired as unknown as Record<string, unknown>)).toEqual({});
    await vmNetwork.delete(id, repaired as unknown as Record<string, unknown>);
  });

  it("creates a VLAN network on every host, reads its tag back, repairs a host's VLAN PIF removed outside in place, and removes every VLAN PIF with it", async () => {
    const owner = testOwner("vlan");
    const inputs = { connection: env.connection, name: "vlan-42", description: "", mtu: 1500, vlan: { pifDevice: "eth0", tag: 42 }, attach: [{ vmUuid: vmB.uuid }], __owner: owner };
    const { id, outs } = await vmNetwork.create(inputs);
    cleanups.push(() => vmNetwork.delete(id, outs));
    const network = env.sim.refOf(id)!;
    const vlanPifs = () => (env.sim.record("network", network)?.PIFs ?? []) as string[];
    const hostsOf = (pifs: string[]) => pifs.map((p) => env.sim.record("PIF", p)!.host as string).sort();
    const hosts = env.sim.objects("host").map((h) => h.ref).sort();
    expect(hostsOf(vlanPifs())).toEqual(hosts);
    for (const pif of vlanPifs()) expect(env.sim.record("PIF", pif)).toMatchObject({ device: "eth0", VLAN: 42 });
    expect((outs as VmNetworkOutputs).attachments[0]!.address).toMatch(/^127\.77\./);
    const read = await vmNetwork.read(id, outs);
    expect(read.inputs).toEqual(inputs);

    const memberPif = vlanPifs().find((p) => env.sim.record("PIF", p)!.host !== hosts.find((h) => env.sim.record("host", h)!.name_label === "xcp-sim-1"))!;
    await env.client.call("VLAN.destroy", env.sim.record("PIF", memberPif)!.VLAN_master_of);
    const drifted = await vmNetwork.read(id, outs);
    expect(drifted.inputs!.vlan).toEqual({ pifDevice: "eth0", tag: 42, missingOn: ["xcp-sim-2"] });
    const change = await vmNetwork.diff(id, drifted.props!, inputs);
    expect(change).toMatchObject({ changes: true, replaces: [] });
    const updated = await vmNetwork.update(id, drifted.props!, inputs);
    expect(hostsOf(vlanPifs())).toEqual(hosts);
    expect((await vmNetwork.read(id, updated.outs!)).inputs).toEqual(inputs);

    const made = vlanPifs();
    await vmNetwork.delete(id, outs);
    expect(env.sim.record("network", network)).toBeUndefined();
    for (const pif of made) expect(env.sim.record("PIF", pif)).toBeUndefined();
    expect(env.sim.objects("VLAN").filter((o) => o.record.tag === 42)).toEqual([]);
  });
});
