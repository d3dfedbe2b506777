import { describe, expect, it } from "vitest";
import {
  assertOwned,
  cloneFromTemplate,
  destroyVm,
  findOwned,
  findTemplate,
  installVm,
  listProvisionDisks,
  ownerMarkerKey,
  ownerTag,
  provisionVm,
  XapiRecipeError,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const GiB = 1024 ** 3;
const env = useRecipeSim();
const wait = { deadline: 20_000 };

/** The SR each disk of a VM sits on. */
function diskSrs(vm: string): string[] {
  const record = env.sim.record("VM", vm)!;
  return (record.VBDs as string[])
    .map((vbd) => env.sim.record("VBD", vbd)!)
    .filter((vbd) => vbd.type === "Disk")
    .map((vbd) => env.sim.record("VDI", vbd.VDI)!.SR);
}

describe("findTemplate", () => {
  it("finds a template by name_label", async () => {
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    expect(tpl.nameLabel).toBe(TEMPLATES.cloneReady);
    expect(env.sim.record("VM", tpl.ref)?.is_a_template).toBe(true);
  });

  it("finds a template by uuid, even one whose name is ambiguous", async () => {
    const twins = env.sim.objects("VM").filter((o) => o.record.name_label === TEMPLATES.ambiguous);
    expect(twins).toHaveLength(2);
    const tpl = await findTemplate(env.client, twins[1]!.record.uuid);
    expect(tpl.ref).toBe(twins[1]!.ref);
  });

  it("refuses an ambiguous name and lists the candidates' uuids", async () => {
    const twins = env.sim.objects("VM").filter((o) => o.record.name_label === TEMPLATES.ambiguous);
    const error = await findTemplate(env.client, TEMPLATES.ambiguous).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiRecipeError);
    for (const twin of twins) expect(String(error)).toContain(twin.record.uuid);
    expect(String(error)).toMatch(/pass one of these uuids/);
  });

  it("reports a missing template with the available ones", async () => {
    const error = await findTemplate(env.client, "No Such OS 1.0").catch((e: unknown) => e);
    expect(String(error)).toMatch(/no template with that name or uuid/);
    expect(String(error)).toContain(TEMPLATES.builtin);
  });

  it("never returns the control domain or a plain VM", async () => {
    const dom0 = env.sim.objects("VM").find((o) => o.record.is_control_domain)!;
    await expect(findTemplate(env.client, dom0.record.uuid)).rejects.toThrow(/no template/);
  });
});

describe("cloneFromTemplate / provisionVm", () => {
  it("clones, marks ownership at once, and stays a template until provisioned", async () => {
    const owner = ownerFor("clone");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const vm = await cloneFromTemplate(env.client, tpl.ref, { name: "clone-1", mode: "clone", owner });
    const record = env.sim.record("VM", vm)!;
    expect(record.other_config[ownerMarkerKey]).toBe(owner);
    expect(record.tags).toContain(ownerTag);
    expect(record.is_a_template).toBe(true);
    await provisionVm(env.client, vm);
    expect(env.sim.record("VM", vm)!.is_a_template).toBe(false);
    expect(diskSrs(vm)).toEqual([env.sr(SEEDED.localSr)]);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("copies the disks onto the chosen SR", async () => {
    const owner = ownerFor("copy");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const shared = env.sr(SEEDED.sharedSr);
    const sharedUuid = env.sim.record("SR", shared)!.uuid;
    const vm = await cloneFromTemplate(env.client, tpl.ref, { name: "copy-1", mode: "copy", sr: sharedUuid, owner });
    expect(diskSrs(vm)).toEqual([shared]);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("refuses an SR with a copy-on-write clone", async () => {
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    await expect(
      cloneFromTemplate(env.client, tpl.ref, { name: "x", mode: "clone", sr: env.sr(SEEDED.localSr), owner: ownerFor("x") }),
    ).rejects.toThrow(/use mode "copy"/);
  });

  it("rewrites the provision XML so the new disks land on the chosen SR", async () => {
    const owner = ownerFor("provision");
    const tpl = await findTemplate(env.client, TEMPLATES.builtin);
    const local = env.sr(SEEDED.localSr);
    const localUuid = env.sim.record("SR", local)!.uuid;
    const vm = await installVm(env.client, tpl.ref, { name: "prov-1", mode: "clone", sr: localUuid, owner });
    expect(diskSrs(vm)).toEqual([local]);
    const xml = env.sim.record("VM", vm)!.other_config.disks;
    expect(listProvisionDisks(xml).map((d) => d.sr)).toEqual([localUuid]);
    expect(env.sim.record("VM", vm)!.is_a_template).toBe(false);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("uses the pool's default SR when none is given", async () => {
    const owner = ownerFor("default-sr");
    const tpl = await findTemplate(env.client, TEMPLATES.builtin);
    const vm = await installVm(env.client, tpl.ref, { name: "prov-2", mode: "clone", owner });
    const pool = env.sim.objects("pool")[0]!.record;
    expect(diskSrs(vm)).toEqual([pool.default_SR]);
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("surfaces SR_FULL clearly and leaves no orphan VM or disk behind", async () => {
    const owner = ownerFor("full");
    const builtin = await findTemplate(env.client, TEMPLATES.builtin);
    // A template whose declared disk (200 GiB) cannot fit on the 100 GiB local SR.
    const big = await cloneFromTemplate(env.client, builtin.ref, { name: "huge template", mode: "clone", owner });
    const disks = `<provision><disk device="0" size="${200 * GiB}" sr="" bootable="true" type="system"/></provision>`;
    await env.client.call("VM.remove_from_other_config", big, "disks");
    await env.client.call("VM.add_to_other_config", big, "disks", disks);
    const vmsBefore = env.sim.objects("VM").length;
    const vdisBefore = env.sim.objects("VDI").length;

    const error = await installVm(env.client, big, { name: "too-big", mode: "clone", sr: env.sr(SEEDED.localSr), owner }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiRecipeError);
    expect((error as XapiRecipeError).xapiCode).toBe("SR_FULL");
    expect(String(error)).toMatch(/SR_FULL/);
    expect(String(error)).toMatch(/enough free space/);
    expect(String(error)).toMatch(/destroyed again/);
    expect(env.sim.objects("VM")).toHaveLength(vmsBefore);
    expect(env.sim.objects("VDI")).toHaveLength(vdisBefore);
    expect(env.sim.objects("VM").filter((o) => o.record.name_label === "too-big")).toEqual([]);
    await destroyVm(env.client, big, { owner, ...wait });
  });

  it("destroys the clone again when marking it fails", async () => {
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const vmsBefore = env.sim.objects("VM").length;
    const vdisBefore = env.sim.objects("VDI").length;
    env.sim.faults.add({ method: "VM.set_other_config", kind: "fail", code: "INTERNAL_ERROR", params: ["injected"] });
    const error = await cloneFromTemplate(env.client, tpl.ref, { name: "unmarked", mode: "clone", owner: ownerFor("mark") }).catch((e: unknown) => e);
    env.sim.faults.clear();
    expect(String(error)).toMatch(/mark ownership.*INTERNAL_ERROR.*destroyed again/s);
    expect(env.sim.objects("VM")).toHaveLength(vmsBefore);
    expect(env.sim.objects("VDI")).toHaveLength(vdisBefore);
  });

  it("replaces an owner marker inherited from the template", async () => {
    const first = ownerFor("parent");
    const second = ownerFor("child");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const parent = await cloneFromTemplate(env.client, tpl.ref, { name: "parent", mode: "clone", owner: first });
    const child = await cloneFromTemplate(env.client, parent, { name: "child", mode: "clone", owner: second });
    expect(env.sim.record("VM", child)!.other_config[ownerMarkerKey]).toBe(second);
    await destroyVm(env.client, child, { owner: second, ...wait });
    await destroyVm(env.client, parent, { owner: first, ...wait });
  });
});

describe("ownership", () => {
  it("findOwned returns exactly the objects carrying the owner's marker", async () => {
    const owner = ownerFor("find");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    expect(await findOwned(env.client, "VM", owner)).toEqual([]);
    const vm = await cloneFromTemplate(env.client, tpl.ref, { name: "findable", mode: "clone", owner });
    const other = await cloneFromTemplate(env.client, tpl.ref, { name: "other", mode: "clone", owner: ownerFor("else") });
    const found = await findOwned(env.client, "VM", owner);
    expect(found.map((f) => f.ref)).toEqual([vm]);
    expect(found[0]!.uuid).toBe(env.sim.record("VM", vm)!.uuid);
    await destroyVm(env.client, vm, { owner, ...wait });
    await destroyVm(env.client, other, { adopted: true, owner: "anyone", ...wait });
    expect(await findOwned(env.client, "VM", owner)).toEqual([]);
  });

  it("assertOwned refuses unmarked or foreign objects unless adopted", async () => {
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    await expect(assertOwned(env.client, "VM", tpl.ref, "me")).rejects.toThrow(/no bioxen:owner marker.*adopt it explicitly/);
    await expect(assertOwned(env.client, "VM", tpl.ref, "me", { adopted: true })).resolves.toMatchObject({ uuid: tpl.uuid });
    const owner = ownerFor("foreign");
    const vm = await cloneFromTemplate(env.client, tpl.ref, { name: "foreign", mode: "clone", owner });
    await expect(destroyVm(env.client, vm, { owner: "someone-else", ...wait })).rejects.toThrow(/owned by "test-stack\/foreign-/);
    expect(env.sim.record("VM", vm)).toBeDefined();
    await destroyVm(env.client, vm, { owner, ...wait });
  });

  it("rejects an empty owner identity", async () => {
    await expect(findOwned(env.client, "VM", "")).rejects.toThrow(/invalid owner identity/);
  });
});
