/**
 * The acceptance sweep's safety, on the simulator: it finds exactly the objects a run made — by
 * the run's own marker, or (a VM without any marker) by the run's name prefix — and never a copy,
 * snapshot, another run's object or anything of the user's, and removes only what it found.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTemplate, installVm, ownerMarkerKey } from "../../sdk/xapi/recipes";
import { TEMPLATES } from "../../sim";
import { startTestSim, type TestSim } from "../support/sim";
import { ACCEPTANCE_PROJECT, namePrefix, newRunId } from "./run-identity";
import { findRunObjects, sweep } from "./sweep";

let env: TestSim;
beforeAll(async () => {
  env = await startTestSim({ guests: false });
});
afterAll(async () => {
  await env?.stop();
});

async function makeVm(name: string, owner?: string): Promise<string> {
  const template = await findTemplate(env.client, TEMPLATES.cloneReady);
  const vm = await installVm(env.client, template.ref, { name, mode: "clone", owner: owner ?? "someone/else/XcpngLuaVM/x", deadline: 30_000 });
  if (!owner) for (const key of Object.keys((await env.client.call("VM.get_other_config", vm)) as object).filter((k) => k.startsWith("bioxen:"))) await env.client.call("VM.remove_from_other_config", vm, key);
  return vm;
}

const uuidOf = async (ref: string) => String(await env.client.call("VM.get_uuid", ref));

describe("acceptance sweep", () => {
  it("finds a run's own objects only, and removes only those", async () => {
    const [run, other] = [newRunId(), newRunId(Date.now() + 1)];
    const ours = await makeVm(`${namePrefix(run)}vm`, `${ACCEPTANCE_PROJECT}/${run}/XcpngLuaVM/vm`);
    const named = await makeVm(`${namePrefix(run)}adoptee`);
    const earlier = await makeVm(`${namePrefix(other)}vm`, `${ACCEPTANCE_PROJECT}/${other}/XcpngLuaVM/vm`);
    const usersVm = await makeVm("a user's VM");
    const foreign = await makeVm(`${namePrefix(run)}marked-by-another-tool`, "someone/else/XcpngLuaVM/x");
    const copy = (await env.client.callAsync("VM.clone", ours, `${namePrefix(run)}copy by the user`)) as string;
    const snapshot = (await env.client.callAsync("VM.snapshot", ours, "user snapshot")) as string;
    expect(((await env.client.call("VM.get_other_config", copy)) as Record<string, string>)[ownerMarkerKey]).toContain(run);

    const found = await findRunObjects(env.client);
    const byRun = (id: string) => found.filter((o) => o.runId === id && o.cls === "VM").map((o) => o.uuid).sort();
    expect(byRun(run)).toEqual((await Promise.all([ours, named].map(uuidOf))).sort());
    expect(byRun(other)).toEqual([await uuidOf(earlier)]);

    const untouched = [earlier, usersVm, foreign, copy, snapshot];
    const before = await Promise.all(untouched.map((ref) => env.client.call("VM.get_record", ref)));
    const removed = await sweep(env.client, found.filter((o) => o.runId === run));
    expect(removed).toHaveLength(2);
    for (const ref of [ours, named]) await expect(env.client.call("VM.get_record", ref)).rejects.toThrow(/HANDLE_INVALID/);
    expect(await Promise.all(untouched.map((ref) => env.client.call("VM.get_record", ref)))).toEqual(before);
  });
});
