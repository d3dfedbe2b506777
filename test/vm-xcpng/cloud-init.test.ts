/**
 * End to end on the simulator, through sdk/vm/xcpng: a VM of the cloud-init template (NO key
 * baked in) gets a config drive before its first boot, is reached with the injected key, and its
 * host key is the one generated before boot — pinned, never trusted on first use. Destroy takes
 * the drive with it; a failure at any step of the drive's upload leaves nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createVm } from "../../sdk/vm";
import { HOST_KEY_MARKER, XcpngLuaVmError, destroyXcpngLuaVm, ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import { TEMPLATES, type FaultRuleInput } from "../../sim";
import { generateClientKeyPair } from "../support/client-key";
import { expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";
import { useXcpngSim } from "../provider/support/xcpng-suite";
import { vmSpec } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.93", alsoCounted: ["task"] });
let env: XcpngSim;
const fast = { createMs: 30_000, readyMs: 30_000, deleteMs: 20_000 };
/** A key no template knows: only cloud-init can let it in. */
const injected = generateClientKeyPair();

beforeAll(() => {
  env = sim();
});

function cloudInitSpec(name: string, template: string = TEMPLATES.cloudInit) {
  return vmSpec(env, name, { template, ssh: { user: env.user, port: env.sshPort, privateKey: injected.private }, cloudInit: { user: env.user, disableRoot: env.user !== "root" } });
}

describe("XcpngLuaVM cloud-init (sdk/vm/xcpng)", () => {
  it("reaches a VM with no baked key through the injected one, its host key pinned from before the first boot", async () => {
    const spec = cloudInitSpec("ci-e2e");
    const progress: string[] = [];
    const state = await ensureXcpngLuaVm(env.client, spec, { ...fast, onProgress: (line) => progress.push(line) });
    const vmRef = env.sim.refOf(state.vmUuid)!;
    try {
      // The drive's upload reports its phase and bytes sent of the total to the lifecycle's onProgress, up to all of it.
      const upload = progress.filter((line) => line.includes("config drive upload (PUT /import_raw_vdi)"));
      const sent = upload.map((line) => /: (\d+)\/(\d+) bytes$/.exec(line)!.slice(1).map(Number));
      expect(sent.length).toBeGreaterThan(1);
      expect(sent.every(([done, total], i) => total === 8 * 1024 * 1024 && done > (sent[i - 1]?.[0] ?? 0))).toBe(true);
      expect(sent.at(-1)![0]).toBe(8 * 1024 * 1024);
      expect(upload[0]).toContain(`VM ${state.vmUuid}:`);
      const generated = state.cloudInitHostKey!;
      expect(generated.fingerprint).toMatch(/^SHA256:/);
      expect(state.hostKeyFingerprint).toBe(generated.fingerprint);
      expect(env.sim.sshGuests!.hostKeyFingerprint(state.vmUuid)).toBe(generated.fingerprint);
      expect(state.lua?.languageVersion).toBe("5.4");
      // No trust on first use: nothing was recorded as "first seen" on the VM.
      expect(env.sim.record("VM", vmRef)!.other_config[HOST_KEY_MARKER]).toBeUndefined();
      expect(env.sim.sshGuests!.cloudInitOutcome(state.vmUuid)).toMatchObject({ applied: true, instanceId: state.vmUuid, hostname: "ci-e2e", hostKeyInstalled: true });
      const drive = env.sim.refOf(state.configDriveVdiUuid!)!;
      expect(env.sim.record("VDI", drive)!.other_config).toMatchObject({ "bioxen:owner": spec.owner, "bioxen:instance": state.instance, "bioxen:self": state.configDriveVdiUuid });
      expect(env.sim.record("VBD", env.sim.record("VDI", drive)!.VBDs[0])).toMatchObject({ VM: vmRef, type: "Disk", bootable: false });
      // The private half shows nowhere the state is printed.
      const privateBody = generated.revealPrivateKey().split("\n")[1];
      expect(JSON.stringify(state)).not.toContain(privateBody);
      expect(String(state.cloudInitHostKey)).not.toContain(privateBody);
    } finally {
      expect(await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast)).toBe(true);
    }
    expect(env.sim.refOf(state.configDriveVdiUuid!)).toBeUndefined();
    expectNoLeftovers(env);
  }, 90_000);

  it("does the same through createVm(id, { type: \"xcpng\", cloudInit })", async () => {
    const vm = await createVm("ci-factory", {
      type: "xcpng",
      connection: { client: env.client },
      template: TEMPLATES.cloudInit,
      networks: [{ network: "Pool-wide network associated with eth0" }],
      ssh: { username: env.user, privateKey: injected.private, port: env.sshPort },
      memoryMiB: 512,
      interpreter: "lua5.4",
      cloudInit: { user: env.user, disableRoot: env.user !== "root" },
      timeouts: fast,
    });
    try {
      expect((await vm.execute("return 6 * 7")).stdout).toBe("42\n");
    } finally {
      await vm.destroy();
    }
    expectNoLeftovers(env);
  }, 90_000);

  const faults: Array<[string, FaultRuleInput]> = [
    ["VDI.create", { method: "VDI.create", code: "SR_FULL", params: ["8388608", "0"] }],
    ["task.create", { method: "task.create", code: "INTERNAL_ERROR", params: ["task table full"] }],
    ["the upload's task", { method: "import_raw_vdi", code: "VDI_IO_ERROR", params: ["Device I/O errors"] }],
    ["the upload's connection", { method: "import_raw_vdi", kind: "drop" }],
    ["VBD.create", { method: "VBD.create", code: "DEVICE_ALREADY_EXISTS", params: ["1"] }],
  ];

  it.each(faults)("a failure of %s leaves no VM, VDI, VBD or task", async (_step, fault) => {
    env.sim.faults.add(fault);
    try {
      await expect(ensureXcpngLuaVm(env.client, cloudInitSpec("ci-fail"), fast)).rejects.toThrow(/config drive: .*the VM was destroyed again/);
    } finally {
      env.sim.faults.clear();
    }
    expectNoLeftovers(env);
  }, 60_000);

  const unapplied: Array<[string, string, FaultRuleInput | undefined, RegExp]> = [
    ["a drive damaged on its way to the disk", TEMPLATES.cloudInit, { method: "import_raw_vdi", kind: "corrupt" }, /no vfat file system/],
    ["a template without cloud-init", TEMPLATES.cloneReady, undefined, /^$/],
  ];

  it.each(unapplied)("%s: the guest boots without the drive and the create says so, keeping the VM", async (_case, template, fault, guestReason) => {
    if (fault) env.sim.faults.add(fault);
    const spec = cloudInitSpec("ci-unapplied", template);
    let kept: XcpngLuaVmError | undefined;
    try {
      await ensureXcpngLuaVm(env.client, spec, fast).catch((error: unknown) => {
        kept = error as XcpngLuaVmError;
      });
    } finally {
      env.sim.faults.clear();
    }
    expect(kept).toBeInstanceOf(XcpngLuaVmError);
    try {
      expect(kept!.message).toMatch(/the guest did not apply its cloud-init config drive \(VDI [0-9a-f-]{36}\): its sshd presents another host key than the one the drive installs .*host key mismatch.*malformed or rejected.*NoCloud datasource.*docs\/installation\.md/);
      const outcome = env.sim.sshGuests!.cloudInitOutcome(kept!.vmUuid);
      if (template === TEMPLATES.cloudInit) expect(outcome).toMatchObject({ applied: false, reason: expect.stringMatching(guestReason) });
      else expect(outcome).toBeUndefined();
      // The private half of the generated key is in no message.
      const privateBody = kept!.state.cloudInitHostKey!.revealPrivateKey().split("\n")[1];
      expect(kept!.message).not.toContain(privateBody);
    } finally {
      expect(await destroyXcpngLuaVm(env.client, kept!.vmUuid, spec.owner, { adopted: false, instance: kept!.state.instance }, fast)).toBe(true);
    }
    expectNoLeftovers(env);
  }, 90_000);
});
