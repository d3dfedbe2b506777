import { describe, expect, it } from "vitest";
import {
  createPrivateNetwork,
  createVif,
  destroyNetwork,
  destroyVif,
  destroyVm,
  findTemplate,
  growRootDisk,
  installVm,
  MIN_MEMORY_BYTES,
  ownerMarkerKey,
  setMemory,
  setVcpus,
  startVm,
  XapiRecipeError,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const wait = { deadline: 20_000 };
const env = useRecipeSim();

/** Runs `body` with a fresh halted VM from the clone-ready template, destroyed afterwards. */
async function withVm(name: string, body: (vm: string, owner: string) => Promise<void>): Promise<void> {
  const owner = ownerFor(name);
  const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
  const vm = await installVm(env.client, tpl.ref, { name, mode: "clone", owner });
  try {
    await body(vm, owner);
  } finally {
    await destroyVm(env.client, vm, { owner, cleanTimeoutMs: 5_000, ...wait });
  }
}

describe("setVcpus", () => {
  it("grows (max first) and shrinks (at_startup first)", async () => {
    await withVm("vcpus", async (vm) => {
      // The order matters: raising at_startup above max is refused.
      await expect(env.client.call("VM.set_VCPUs_at_startup", vm, 4)).rejects.toMatchObject({ xapiCode: "INVALID_VALUE" });
      await setVcpus(env.client, vm, 4);
      expect(env.sim.record("VM", vm)).toMatchObject({ VCPUs_max: 4, VCPUs_at_startup: 4 });
      // …and lowering max below at_startup is refused too.
      await expect(env.client.call("VM.set_VCPUs_max", vm, 2)).rejects.toMatchObject({ xapiCode: "INVALID_VALUE" });
      await setVcpus(env.client, vm, 2);
      expect(env.sim.record("VM", vm)).toMatchObject({ VCPUs_max: 2, VCPUs_at_startup: 2 });
      await setVcpus(env.client, vm, 2);
    });
  });

  it("rejects counts below one and explains a change on a running VM", async () => {
    await withVm("vcpus-bad", async (vm) => {
      await expect(setVcpus(env.client, vm, 0)).rejects.toThrow(/invalid vCPU count 0/);
      await startVm(env.client, vm, wait);
      const error = await setVcpus(env.client, vm, 3).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiRecipeError);
      expect((error as XapiRecipeError).xapiCode).toBe("VM_BAD_POWER_STATE");
      expect(String(error)).toMatch(/only be changed while the VM is halted/);
    });
  });
});

describe("setMemory", () => {
  it("fixes the memory size and keeps static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max", async () => {
    await withVm("memory", async (vm) => {
      const staticMin = env.sim.record("VM", vm)!.memory_static_min;
      await setMemory(env.client, vm, 2 * GiB);
      expect(env.sim.record("VM", vm)).toMatchObject({
        memory_static_min: staticMin,
        memory_dynamic_min: 2 * GiB,
        memory_dynamic_max: 2 * GiB,
        memory_static_max: 2 * GiB,
      });
      await setMemory(env.client, vm, 128 * MiB);
      expect(env.sim.record("VM", vm)).toMatchObject({ memory_static_min: Math.min(staticMin, 128 * MiB), memory_static_max: 128 * MiB });
    });
  });

  it("refuses sizes below the minimum before calling XAPI", async () => {
    await withVm("memory-bad", async (vm) => {
      await expect(setMemory(env.client, vm, MIN_MEMORY_BYTES - 1)).rejects.toThrow(/invalid memory size/);
      // What the recipe avoids: limits out of order are a MEMORY_CONSTRAINT_VIOLATION.
      await expect(env.client.call("VM.set_memory_limits", vm, GiB, 512 * MiB, GiB, GiB)).rejects.toMatchObject({
        xapiCode: "MEMORY_CONSTRAINT_VIOLATION",
      });
    });
  });
});

describe("growRootDisk", () => {
  it("grows the bootable disk, treats the same size as done, refuses to shrink", async () => {
    await withVm("disk", async (vm) => {
      const grown = await growRootDisk(env.client, vm, 6 * GiB);
      expect(grown).toMatchObject({ previousBytes: 4 * GiB, bytes: 6 * GiB, changed: true });
      expect(env.sim.record("VDI", grown.vdi)!.virtual_size).toBe(6 * GiB);
      expect(await growRootDisk(env.client, vm, 6 * GiB)).toMatchObject({ changed: false });
      await expect(growRootDisk(env.client, vm, 5 * GiB)).rejects.toThrow(/refusing to shrink.*data would be lost/);
      expect(env.sim.record("VDI", grown.vdi)!.virtual_size).toBe(6 * GiB);
    });
  });

  it("surfaces SR_FULL when the SR has no room", async () => {
    await withVm("disk-full", async (vm) => {
      const error = await growRootDisk(env.client, vm, SEEDED.localSrBytes * 2).catch((e: unknown) => e);
      expect((error as XapiRecipeError).xapiCode).toBe("SR_FULL");
      expect(String(error)).toMatch(/grow root disk: VDI.resize/);
    });
  });

  it("says so when the VM has no disk", async () => {
    const owner = ownerFor("diskless");
    const tpl = await findTemplate(env.client, TEMPLATES.builtin);
    const vm = await installVm(env.client, tpl.ref, { name: "diskless", mode: "clone", owner });
    for (const vbd of env.sim.record("VM", vm)!.VBDs as string[]) {
      const vdi = env.sim.record("VBD", vbd)!.VDI;
      await env.client.call("VBD.destroy", vbd);
      await env.client.call("VDI.destroy", vdi);
    }
    await expect(growRootDisk(env.client, vm, 20 * GiB)).rejects.toThrow(/no Disk VBD/);
    await destroyVm(env.client, vm, { owner, ...wait });
  });
});

describe("createVif / destroyVif", () => {
  it("creates a marked VIF on a halted VM without plugging it, on the first free device", async () => {
    await withVm("vif-halted", async (vm, owner) => {
      const network = await createPrivateNetwork(env.client, { name: "vif-net", mtu: 9000, owner });
      const vif = await createVif(env.client, vm, network, { owner });
      expect(env.sim.record("VIF", vif)).toMatchObject({ device: "0", MTU: 9000, currently_attached: false, network });
      expect(env.sim.record("VIF", vif)!.other_config[ownerMarkerKey]).toBe(owner);
      expect(env.sim.record("VIF", vif)!.MAC).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const second = await createVif(env.client, vm, network, { owner, mtu: 1400 });
      expect(env.sim.record("VIF", second)).toMatchObject({ device: "1", MTU: 1400 });
      await destroyVif(env.client, second, { owner });
      await destroyVif(env.client, second, { owner });
      await destroyNetwork(env.client, network, { owner, removeVifs: true });
    });
  });

  it("hot-plugs a VIF on a running VM and unplugs it before destroying", async () => {
    await withVm("vif-running", async (vm, owner) => {
      const network = await createPrivateNetwork(env.client, { name: "hot-net", owner });
      await startVm(env.client, vm, wait);
      const vif = await createVif(env.client, vm, network, { owner, device: "3" });
      expect(env.sim.record("VIF", vif)).toMatchObject({ device: "3", currently_attached: true });
      await destroyVif(env.client, vif, { owner });
      expect(env.sim.record("VIF", vif)).toBeUndefined();
      await destroyNetwork(env.client, network, { owner });
    });
  });

  it("refuses to destroy a VIF it does not own", async () => {
    await withVm("vif-foreign", async (vm, owner) => {
      const network = await createPrivateNetwork(env.client, { name: "foreign-net", owner });
      const vif = await createVif(env.client, vm, network, { owner });
      await expect(destroyVif(env.client, vif, { owner: "someone-else" })).rejects.toThrow(/check ownership of VIF/);
      await destroyVif(env.client, vif, { owner: "someone-else", adopted: true });
      await destroyNetwork(env.client, network, { owner });
    });
  });

  it("removes the VIF it created when a later step fails, and says so", async () => {
    await withVm("vif-rollback", async (vm, owner) => {
      const network = await createPrivateNetwork(env.client, { name: "rollback-net", owner });
      env.sim.faults.add({ method: "VM.get_power_state", code: "INTERNAL_ERROR", params: ["injected"] });
      try {
        const error = await createVif(env.client, vm, network, { owner }).catch((e: unknown) => e);
        expect(String(error)).toMatch(/create VIF.*injected.*the VIF was removed again/);
      } finally {
        env.sim.faults.clear();
      }
      expect(env.sim.objects("VIF").filter((o) => o.record.VM === vm)).toEqual([]);
      await destroyNetwork(env.client, network, { owner });
    });
  });

  it("reports a taken device with context", async () => {
    await withVm("vif-taken", async (vm, owner) => {
      const network = await createPrivateNetwork(env.client, { name: "taken-net", owner });
      await createVif(env.client, vm, network, { owner, device: "0" });
      const error = await createVif(env.client, vm, network, { owner, device: "0" }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/create VIF: VIF.create.*device 0.*DEVICE_ALREADY_EXISTS/);
      await destroyNetwork(env.client, network, { owner, removeVifs: true });
    });
  });
});
