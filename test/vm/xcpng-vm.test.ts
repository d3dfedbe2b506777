import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XapiClient } from "../../sdk/xapi";
import { createPrivateNetwork, destroyNetwork, ownerMarkerKey } from "../../sdk/xapi/recipes";
import { VmManager, exchangeMessages, peerExchange, type XcpngVmSpec } from "../../sdk/vm";
import { SEEDED, TEMPLATES, type Simulator } from "../../sim";
import { generateEd25519KeyFiles } from "../../sim/sshd/keys";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { freePort } from "../support/sshd";

let sim: Simulator;
let client: XapiClient;
let rocksServer: RocksServer;
let keyDir: string;
let spec: XcpngVmSpec;
let labNetwork: string;
let labUuid: string;
const networkOwner = `test-vm/lab-${process.pid}`;

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), "bioxen-vm-xcpng-"));
  const key = await generateEd25519KeyFiles(join(keyDir, "id_ed25519"), "vm-test");
  const [privateKey, sshPort] = await Promise.all([readFile(key.privateKeyPath, "utf8"), freePort()]);
  const [env, rocks] = await Promise.all([
    startTestSim({ guest: { authorizedKeys: [key.publicKey], sshPort, bootDelayMs: 100, addressBase: "127.79" } }),
    startRocksServer({ rocks: ["alpha"] }),
  ]);
  ({ sim, client } = env);
  rocksServer = rocks;
  labNetwork = await createPrivateNetwork(client, { name: "vm-test-lab", owner: networkOwner });
  labUuid = String(await client.call("network.get_uuid", labNetwork));
  spec = {
    type: "xcpng",
    connection: { url: sim.url, username: sim.username, password: sim.password },
    template: TEMPLATES.cloneReady,
    networks: [{ network: SEEDED.managementNetwork }, { network: labUuid }],
    ssh: { username: userInfo().username, privateKey, port: sshPort },
    rocksServers: [rocksServer.url],
    timeouts: { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 },
  };
}, 60_000);

afterAll(async () => {
  if (client && labNetwork) await destroyNetwork(client, labNetwork, { owner: networkOwner, removeVifs: true }).catch(() => undefined);
  await client?.close();
  await Promise.allSettled([sim?.stop(), rocksServer?.stop()]);
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

/** VMs in the pool that carry an owner marker (ours are the only marked ones). */
function markedVms(): string[] {
  return sim.objects("VM").filter((vm) => ownerMarkerKey in (vm.record.other_config ?? {})).map((vm) => String(vm.record.name_label));
}

describe("createVm (xcpng) on the simulator with real guests", () => {
  it("creates two VMs on one private network that talk LuaSocket over their lab addresses, then destroys them", async () => {
    const manager = new VmManager();
    try {
      const [a, b] = await manager.createCluster("lab", 2, spec);
      const description = a!.describe();
      expect(description).toMatchObject({ id: "lab-0", type: "xcpng", state: "open", address: description.details["address.0"] });
      expect(description.target).toMatch(/^ssh:\/\/.+@127\.79\.\d+\.\d+:\d+$/);
      expect(description.details.hostKeyFingerprint).toMatch(/^SHA256:/);
      expect(description.details["address.1"]).toMatch(/^127\.79\.\d+\.\d+$/);
      expect(description.details["address.1"]).not.toBe(description.address);
      expect(markedVms().sort()).toEqual(["lab-0", "lab-1"]);

      expect((await a!.execute("return 2+2")).stdout).toBe("4\n");
      const session = await b!.openSession();
      await session.eval("local n = 41");
      expect((await session.eval("return n + 1")).values).toEqual(["42"]);

      const hostA = a!.describe().details["address.1"]!;
      const hostB = b!.describe().details["address.1"]!;
      const exchange = await exchangeMessages(a!, b!, { host: hostA, port: await freePort(hostA), messages: [">chr1 from lab-1"] });
      expect(exchange.received.map((r) => r.text)).toEqual([">chr1 from lab-1"]);
      expect(exchange.replies).toEqual(["echo: >chr1 from lab-1"]);
      const [pa, pb] = await peerExchange(
        { vm: a!, host: hostA, port: await freePort(hostA), message: "ping from lab-0" },
        { vm: b!, host: hostB, port: await freePort(hostB), message: "ping from lab-1" },
      );
      expect([pa.received.text, pa.ack, pb.received.text, pb.ack]).toEqual(["ping from lab-1", "ack ping from lab-0", "ping from lab-0", "ack ping from lab-1"]);
      await b!.close(); // its own XAPI client is closed now: destroying it later must log in again
      await expect(b!.execute("return 1")).rejects.toThrow(/VM lab-1 .*closed/);
    } finally {
      await manager.destroyAll();
    }
    expect(markedVms()).toEqual([]);
  }, 120_000);

  it("installs packages into the guest's tree that its Lua then finds", async () => {
    const manager = new VmManager();
    try {
      const vm = await manager.create("rocky", { ...spec, connection: { client }, networks: [{ network: SEEDED.managementNetwork }] });
      expect(await vm.packages.install("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", version: "1.0-1" });
      expect(await vm.packages.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
      expect((await vm.execute('return require("alpha").version')).stdout).toBe("1.0\n");
      expect(vm.describe().tree).toMatch(/\.luarocks$/);
    } finally {
      await manager.destroyAll();
    }
    expect(markedVms()).toEqual([]);
    expect(client.closed).toBe(false);
  }, 120_000);

  it("destroys the VM again when the guest cannot be logged in to, and says so", async () => {
    const stranger = await generateEd25519KeyFiles(join(keyDir, "stranger"), "not in the guests' authorized keys");
    const privateKey = await readFile(stranger.privateKeyPath, "utf8");
    const error = (await new VmManager()
      .create("stranger", { ...spec, connection: { client }, networks: [{ network: SEEDED.managementNetwork }], ssh: { ...spec.ssh, privateKey }, timeouts: { readyMs: 5_000 } })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/xcpng VM stranger .*— VM [0-9a-f-]+ was destroyed again/s);
    expect(markedVms()).toEqual([]);
  }, 60_000);
});
