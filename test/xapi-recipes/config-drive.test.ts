/**
 * attachConfigDrive against the simulator: VDI.create (marked), task.create, PUT /import_raw_vdi
 * over the client's connection (HTTPS with a pinned certificate too), the task awaited, a
 * non-bootable Disk VBD; every injected failure leaves no VDI, VBD or task behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XapiClient } from "../../sdk/xapi";
import { attachConfigDrive, destroyVm, findTemplate, installVm, XapiRecipeError, type Claim } from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES, startSimulator, type FaultRuleInput, type Simulator } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const MiB = 1024 * 1024;
const env = useRecipeSim();
const image = Buffer.alloc(4 * MiB);
image.write("not a real drive, just bytes", 0);
image.fill(0xa5, 2 * MiB, 2 * MiB + 4096);

function claimFor(name: string): Claim {
  return { owner: ownerFor(name), instance: `i-${Math.random().toString(36).slice(2, 10)}` };
}

async function newVm(client: XapiClient, name: string, claim: Claim): Promise<string> {
  const template = await findTemplate(client, TEMPLATES.cloneReady);
  return installVm(client, template.ref, { name, mode: "clone", owner: claim });
}

function ownedVdis(sim: Simulator, claim: Claim) {
  return sim.objects("VDI").filter((o) => o.record.other_config?.["bioxen:owner"] === claim.owner);
}

describe("attachConfigDrive", () => {
  it("makes a marked VDI holding the image and a non-bootable Disk VBD, leaves no task, and goes with the VM", async () => {
    const claim = claimFor("drive");
    const vm = await newVm(env.client, "drive", claim);
    const tasks = env.sim.objects("task").length;
    const progress: number[] = [];
    const made = await attachConfigDrive(env.client, vm, { image, sr: env.sr(SEEDED.localSr), owner: claim, onProgress: (sent, total) => progress.push(sent / total) });
    const vdi = env.sim.record("VDI", made.vdi)!;
    expect(vdi).toMatchObject({ name_label: "cidata", virtual_size: image.length, type: "user", uuid: made.vdiUuid, tags: ["bioxen-luavm"] });
    expect(vdi.other_config).toEqual({ "bioxen:owner": claim.owner, "bioxen:instance": claim.instance, "bioxen:state": "complete", "bioxen:self": made.vdiUuid });
    expect(env.sim.vdiContent(made.vdi).equals(image)).toBe(true);
    expect(env.sim.record("VBD", made.vbd)).toMatchObject({ VM: vm, VDI: made.vdi, type: "Disk", bootable: false, mode: "RO", userdevice: "1" });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBe(4);
    expect(env.sim.objects("task").length).toBe(tasks);
    const removed = await destroyVm(env.client, vm, { owner: claim, deadline: 20_000 });
    expect(removed.vdisDestroyed).toContain(made.vdi);
    expect(env.sim.record("VDI", made.vdi)).toBeUndefined();
  });

  const failures: Array<[string, FaultRuleInput, RegExp]> = [
    ["VDI.create", { method: "VDI.create", code: "SR_FULL", params: ["4194304", "0"] }, /^config drive: VDI\.create .*SR_FULL.*nothing was made/],
    ["the marker", { method: "VDI.add_to_other_config", code: "INTERNAL_ERROR", params: ["injected"] }, /^attach config drive .*INTERNAL_ERROR.*removed again: VDI/],
    ["task.create", { method: "task.create", code: "INTERNAL_ERROR", params: ["task table full"] }, /^config drive: upload .*INTERNAL_ERROR.*removed again: VDI/],
    ["the upload (task fails)", { method: "import_raw_vdi", code: "VDI_IO_ERROR", params: ["Device I/O errors"] }, /^config drive: upload .*VDI_IO_ERROR.*removed again: VDI [^,]*$/],
    ["the upload (connection dropped)", { method: "import_raw_vdi", kind: "drop" }, /^config drive: upload .*PUT via http.*\/import_raw_vdi.*removed again: task .*, VDI /],
    ["the free device lookup", { method: "VM.get_allowed_VBD_devices", code: "INTERNAL_ERROR", params: ["injected"] }, /^config drive: VBD\.create .*removed again: VDI [^,]*$/],
    ["VBD.create", { method: "VBD.create", code: "DEVICE_ALREADY_EXISTS", params: ["1"] }, /^config drive: VBD\.create .*DEVICE_ALREADY_EXISTS.*removed again: VDI [^,]*$/],
  ];

  it.each(failures)("a failure of %s leaves no VDI, VBD or task and says what was removed", async (_step, fault, message) => {
    const claim = claimFor("fail");
    const vm = await newVm(env.client, "fail", claim);
    const before = { VBD: env.sim.objects("VBD").length, task: env.sim.objects("task").length, VDI: env.sim.objects("VDI").length };
    env.sim.faults.add(fault);
    try {
      const error = await attachConfigDrive(env.client, vm, { image, sr: env.sr(SEEDED.localSr), owner: claim, deadline: 20_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiRecipeError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(env.client.sessionRef!);
    } finally {
      env.sim.faults.clear();
    }
    expect(ownedVdis(env.sim, claim)).toEqual([]);
    expect({ VBD: env.sim.objects("VBD").length, task: env.sim.objects("task").length, VDI: env.sim.objects("VDI").length }).toEqual(before);
    await destroyVm(env.client, vm, { owner: claim, deadline: 20_000 });
  });
});

describe("attachConfigDrive over HTTPS", () => {
  let sim: Simulator;
  let client: XapiClient;
  beforeAll(async () => {
    sim = await startSimulator({ https: true, guests: false, slaveHost: false, latency: { scale: 0 } });
    client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, tls: { fingerprint256: sim.certificateFingerprint256! } });
  });
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });

  it("uploads over the client's pinned TLS connection (a self-signed certificate only the pin trusts)", async () => {
    const claim = claimFor("tls");
    const vm = await newVm(client, "tls", claim);
    const sr = sim.objects("SR").find((o) => o.record.name_label === SEEDED.localSr)!.ref;
    const made = await attachConfigDrive(client, vm, { image, sr, owner: claim });
    expect(sim.vdiContent(made.vdi).equals(image)).toBe(true);
    await destroyVm(client, vm, { owner: claim, deadline: 20_000 });
    expect(ownedVdis(sim, claim)).toEqual([]);
  });
});
