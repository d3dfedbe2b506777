import { describe, expect, it } from "vitest";
import { destroyVm, findTemplate, installVm, shutdownVm, startVm, XapiRecipeError } from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const GiB = 1024 ** 3;
const wait = { deadline: 20_000 };
const env = useRecipeSim();

async function newVm(name: string, template: string = TEMPLATES.cloneReady): Promise<{ vm: string; owner: string }> {
  const owner = ownerFor(name);
  const tpl = await findTemplate(env.client, template);
  return { vm: await installVm(env.client, tpl.ref, { name, mode: "clone", owner }), owner };
}

const powerState = (vm: string) => env.sim.record("VM", vm)?.power_state;

describe("startVm / shutdownVm", () => {
  it("starts, shuts down cleanly, and does nothing for a halted VM", async () => {
    const { vm, owner } = await newVm("clean");
    await startVm(env.client, vm, wait);
    expect(powerState(vm)).toBe("Running");
    expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 5_000, ...wait })).toBe("clean");
    expect(powerState(vm)).toBe("Halted");
    expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 5_000, ...wait })).toBe("already-halted");
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("reports a start that XAPI refuses with the step and the code", async () => {
    const { vm, owner } = await newVm("start-twice");
    await startVm(env.client, vm, wait);
    const error = await startVm(env.client, vm, wait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiRecipeError);
    expect((error as XapiRecipeError).xapiCode).toBe("VM_BAD_POWER_STATE");
    expect(String(error)).toMatch(/^XapiRecipeError: start VM/);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("falls back to hard shutdown when the guest lacks the feature (no guest tools)", async () => {
    const { vm, owner } = await newVm("no-tools", TEMPLATES.noGuestTools);
    await startVm(env.client, vm, wait);
    await expect(env.client.call("VM.clean_shutdown", vm)).rejects.toMatchObject({ xapiCode: "VM_LACKS_FEATURE" });
    expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 5_000, ...wait })).toBe("hard");
    expect(powerState(vm)).toBe("Halted");
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("falls back to hard shutdown when the clean one exceeds its timeout", async () => {
    const { vm, owner } = await newVm("slow-clean");
    await startVm(env.client, vm, wait);
    env.sim.latency.set({ methods: { "VM.clean_shutdown": 60_000 }, scale: 1 });
    try {
      expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 300, ...wait })).toBe("hard");
    } finally {
      env.sim.latency.set({ methods: { "VM.clean_shutdown": 80 }, scale: 0 });
    }
    expect(powerState(vm)).toBe("Halted");
    expect(env.sim.objects("task").filter((t) => t.record.status === "pending")).toEqual([]);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("hard-shuts a paused VM", async () => {
    const { vm, owner } = await newVm("paused");
    await startVm(env.client, vm, wait);
    await env.client.call("VM.pause", vm);
    expect(await shutdownVm(env.client, vm, { cleanTimeoutMs: 5_000, ...wait })).toBe("hard");
    expect(powerState(vm)).toBe("Halted");
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("rejects at once when aborted", async () => {
    const { vm, owner } = await newVm("abort-start");
    const controller = new AbortController();
    controller.abort(new Error("user pressed ^C"));
    await expect(startVm(env.client, vm, { deadline: 20_000, signal: controller.signal })).rejects.toThrow(/abort/i);
    await destroyVm(env.client, vm, { owner, ...wait });
  });
});

describe("destroyVm", () => {
  it("shuts a running VM down, destroys it and its own disks", async () => {
    const { vm, owner } = await newVm("running-destroy");
    const vdi = env.sim.record("VBD", env.sim.record("VM", vm)!.VBDs[0])!.VDI;
    await startVm(env.client, vm, wait);
    const result = await destroyVm(env.client, vm, { owner, cleanTimeoutMs: 5_000, ...wait });
    expect(result).toEqual({ destroyed: true, vdisDestroyed: [vdi], vdisKept: [] });
    expect(env.sim.record("VM", vm)).toBeUndefined();
    expect(env.sim.record("VDI", vdi)).toBeUndefined();
  });

  it("keeps a VDI another VM uses, and CD media", async () => {
    const a = await newVm("shares-disk");
    const b = await newVm("uses-shared-disk");
    const shared = env.sim.record("VBD", env.sim.record("VM", a.vm)!.VBDs[0])!.VDI;
    const bOwn = env.sim.record("VBD", env.sim.record("VM", b.vm)!.VBDs[0])!.VDI;
    await env.client.call("VBD.create", {
      VM: b.vm, VDI: shared, userdevice: "1", bootable: false, mode: "RW", type: "Disk", empty: false,
      other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {},
    });
    const iso = (await env.client.call("VDI.create", {
      name_label: "installer.iso", name_description: "", SR: env.sr(SEEDED.localSr), virtual_size: GiB, type: "user",
      sharable: false, read_only: true, other_config: {},
    })) as string;
    await env.client.call("VBD.create", {
      VM: a.vm, VDI: iso, userdevice: "3", bootable: false, mode: "RO", type: "CD", empty: false,
      other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {},
    });

    const first = await destroyVm(env.client, a.vm, { owner: a.owner, ...wait });
    expect(first).toEqual({ destroyed: true, vdisDestroyed: [], vdisKept: [shared] });
    expect(env.sim.record("VDI", shared)).toBeDefined();
    expect(env.sim.record("VDI", iso)).toBeDefined();

    const second = await destroyVm(env.client, b.vm, { owner: b.owner, ...wait });
    expect(new Set(second.vdisDestroyed)).toEqual(new Set([bOwn, shared]));
    expect(env.sim.record("VDI", shared)).toBeUndefined();
    await env.client.call("VDI.destroy", iso);
  });

  it("succeeds when retried after the VM is gone, finishing an interrupted delete", async () => {
    const { vm, owner } = await newVm("retried");
    const vdi = env.sim.record("VBD", env.sim.record("VM", vm)!.VBDs[0])!.VDI;
    env.sim.faults.add({ method: "VDI.destroy", kind: "fail", code: "SR_BACKEND_FAILURE_47", params: ["", "injected", ""] });
    const error = await destroyVm(env.client, vm, { owner, ...wait }).catch((e: unknown) => e);
    env.sim.faults.clear();
    expect(String(error)).toMatch(/destroy VM: VDI.destroy.*SR_BACKEND_FAILURE_47.*retry the delete/s);
    expect(env.sim.record("VM", vm)).toBeUndefined();
    expect(env.sim.record("VDI", vdi)).toBeDefined();

    const retry = await destroyVm(env.client, vm, { owner, ...wait });
    expect(retry).toEqual({ destroyed: false, vdisDestroyed: [vdi], vdisKept: [] });
    expect(env.sim.record("VDI", vdi)).toBeUndefined();
    expect(await destroyVm(env.client, vm, { owner, ...wait })).toEqual({ destroyed: false, vdisDestroyed: [], vdisKept: [] });
  });

  it("refuses the control domain and VMs it does not own", async () => {
    const dom0 = env.sim.objects("VM").find((o) => o.record.is_control_domain)!;
    await expect(destroyVm(env.client, dom0.ref, { adopted: true, owner: "x", ...wait })).rejects.toThrow(/refusing to destroy dom0/);
    const { vm, owner } = await newVm("not-yours");
    await expect(destroyVm(env.client, vm, { owner: "intruder", ...wait })).rejects.toThrow(/refusing to modify an object/);
    await destroyVm(env.client, vm, { owner, ...wait });
  });
});
