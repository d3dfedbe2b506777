/**
 * The simulator serves `PUT /import_raw_vdi` on its own listener (master; the member redirects),
 * and a guest of a cloud-init-ready template boots from the config drive attached to its VM:
 * the injected key logs in, sshd presents the host key from the drive. The upload goes over raw
 * HTTP here (undici), not through the SDK.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfigDrive, generateSshHostKey, renderCloudConfig } from "../../sdk/cloud-init";
import type { XapiClient } from "../../sdk/xapi";
import { SEEDED, TEMPLATES, type Simulator } from "../../sim";
import { makeSshClient, type SshClient } from "../sim-guest/ssh-client";
import { startTestSim, type TestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

const MiB = 1024 * 1024;
let env: TestSim & { user: string; sshPort: number };
let sim: Simulator;
let client: XapiClient;
let injected: SshClient;
let stranger: SshClient;

beforeAll(async () => {
  env = await startTestSim({ slaveHost: "127.0.0.2" }, { sshGuests: { addressBase: "127.92" } });
  sim = stopAfterFile(env);
  client = env.client;
  [injected, stranger] = await Promise.all([makeSshClient(), makeSshClient()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([injected?.remove(), stranger?.remove()]);
});

async function newVdi(size = 8 * MiB): Promise<string> {
  const sr = ((await client.call("SR.get_by_name_label", SEEDED.localSr)) as string[])[0];
  const record = { name_label: "cidata", name_description: "", SR: sr, virtual_size: size, type: "user", sharable: false, read_only: false, other_config: {} };
  return String(await client.call("VDI.create", record));
}

async function put(base: string, query: Record<string, string>, body: Buffer) {
  const reply = await request(`${base}/import_raw_vdi?${new URLSearchParams(query)}`, { method: "PUT", body, headers: { "content-length": String(body.length) } });
  await reply.body.arrayBuffer();
  return reply;
}

async function upload(vdi: string, image: Buffer): Promise<Record<string, any>> {
  const task = String(await client.call("task.create", "upload config drive", "test"));
  const reply = await put(sim.url, { session_id: client.sessionRef!, vdi, format: "raw", task_id: task }, image);
  expect(reply.statusCode).toBe(200);
  const record = (await client.call("task.get_record", task)) as Record<string, any>;
  await client.call("task.destroy", task);
  return record;
}

/** A halted VM of the cloud-init template with `vdi` attached as a non-bootable data disk. */
async function vmWithDrive(name: string, vdi: string | undefined): Promise<{ vm: string; uuid: string }> {
  const template = ((await client.call("VM.get_by_name_label", TEMPLATES.cloudInit)) as string[])[0];
  const vm = String(await client.callAsync("VM.clone", template, name));
  await client.call("VM.set_is_a_template", vm, false);
  const network = ((await client.call("network.get_by_name_label", SEEDED.managementNetwork)) as string[])[0];
  await client.call("VIF.create", { device: "0", network, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} });
  if (vdi) {
    const [userdevice] = (await client.call("VM.get_allowed_VBD_devices", vm)) as string[];
    await client.call("VBD.create", { VM: vm, VDI: vdi, userdevice, bootable: false, mode: "RO", type: "Disk", empty: false, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} });
  }
  return { vm, uuid: String(await client.call("VM.get_uuid", vm)) };
}

describe("import_raw_vdi on the simulator's listener", () => {
  it("stores the upload, tracks it in the caller's task (task.create), and the member redirects to the master", async () => {
    const vdi = await newVdi();
    const image = Buffer.alloc(4 * MiB, 7);
    const task = await upload(vdi, image);
    expect(task).toMatchObject({ status: "success", progress: 1, result: `<value>${vdi}</value>` });
    expect(sim.vdiContent(vdi).equals(image)).toBe(true);
    const redirected = await put(sim.slaveUrl!, { session_id: client.sessionRef!, vdi }, image);
    expect(redirected.statusCode).toBe(302);
    expect(redirected.headers.location).toBe(`${sim.url}/import_raw_vdi?${new URLSearchParams({ session_id: client.sessionRef!, vdi })}`);
  });

  it("keeps content through VDI.copy and drops it with VDI.destroy", async () => {
    const vdi = await newVdi(MiB);
    const image = Buffer.alloc(MiB, 3);
    await upload(vdi, image);
    const sr = String(await client.call("VDI.get_SR", vdi));
    const copy = String(await client.call("VDI.copy", vdi, sr));
    expect(sim.vdiContent(copy).equals(image)).toBe(true);
    await client.call("VDI.destroy", vdi);
    await client.call("VDI.destroy", copy);
    expect(sim.vdiContent(vdi).length).toBe(0);
    expect(sim.vdiContent(copy).length).toBe(0);
  });
});

describe("a cloud-init guest", () => {
  it("applies the attached config drive: the injected key logs in, sshd presents the drive's host key", async () => {
    const hostKey = generateSshHostKey();
    const vdi = await newVdi();
    const { vm, uuid } = await vmWithDrive("ci-guest", vdi);
    const userData = renderCloudConfig({ hostname: "ci-guest", user: env.user, authorizedKeys: [injected.publicKey], hostKey, disableRoot: env.user !== "root" });
    await upload(vdi, buildConfigDrive({ instanceId: uuid, hostname: "ci-guest", userData }).image);
    await client.callAsync("VM.start", vm, false, false);
    try {
      expect(sim.sshGuests!.cloudInitOutcome(uuid)).toMatchObject({ applied: true, instanceId: uuid, hostname: "ci-guest", hostKeyInstalled: true });
      expect(sim.sshGuests!.hostKeyFingerprint(uuid)).toBe(hostKey.fingerprint);
      const address = sim.sshGuests!.address(uuid, "0")!;
      const pinned = `[${address}]:${env.sshPort} ${hostKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`;
      const run = await injected.run(address, env.sshPort, pinned, "echo seeded");
      expect(run.stdout.trim()).toBe("seeded");
      const refused = await stranger.run(address, env.sshPort, pinned, "echo in");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/Permission denied/);
    } finally {
      await client.call("VM.hard_shutdown", vm);
      await client.call("VM.destroy", vm);
      await client.call("VDI.destroy", vdi);
    }
  }, 60_000);

  it("boots without a malformed drive (the template's own keys, none here) and says why", async () => {
    const vdi = await newVdi(MiB);
    await upload(vdi, Buffer.alloc(MiB, 0x5a));
    const { vm, uuid } = await vmWithDrive("ci-broken", vdi);
    await client.callAsync("VM.start", vm, false, false);
    try {
      const outcome = sim.sshGuests!.cloudInitOutcome(uuid);
      expect(outcome).toEqual({ applied: false, reason: "data disk 1: no vfat file system on the drive" });
      const address = sim.sshGuests!.address(uuid, "0")!;
      const known = `[${address}]:${env.sshPort} ${sim.sshGuests!.hostPublicKey(uuid).split(" ").slice(0, 2).join(" ")}\n`;
      const refused = await injected.run(address, env.sshPort, known, "echo in");
      expect(refused.code).not.toBe(0);
    } finally {
      await client.call("VM.hard_shutdown", vm);
      await client.call("VM.destroy", vm);
      await client.call("VDI.destroy", vdi);
    }
  }, 60_000);
});
