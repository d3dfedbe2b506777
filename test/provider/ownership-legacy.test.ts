/**
 * State written by 0.1.0: the VM carries only `bioxen:owner`, the outputs no `__instance`. Read,
 * diff, update and delete by the recorded id keep working and replace nothing; a copy of such a
 * VM (a user's template) is never taken over by a new create under the same name.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { closeAllXapiClients } from "../../provider/runtime/connections";
import { SEEDED, TEMPLATES, type Simulator } from "../../sim";
import { generateClientKeyPair } from "../support/client-key";
import { startModelSimulator } from "./support/ownership-model";

let sim: Simulator;
beforeAll(async () => {
  sim = await startModelSimulator();
});
afterAll(async () => {
  await closeAllXapiClients();
  await sim?.stop();
});

async function call(method: string, ...params: unknown[]): Promise<unknown> {
  const rpc = async (m: string, p: unknown[]) => {
    const response = await fetch(`${sim.url}/jsonrpc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: m, params: p }) });
    const body = (await response.json()) as { result?: unknown; error?: unknown };
    if (body.error) throw new Error(`${m}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  const session = await rpc("session.login_with_password", [sim.username, sim.password, "1.1", "legacy"]);
  return rpc(method, [session, ...params]);
}

it("reads, diffs, updates and deletes a 0.1.0 resource by its id, and never takes over a copy of its VM", async () => {
  const owner = "legacy/dev/XcpngLuaVM/old";
  const raw = {
    __owner: owner,
    connection: { url: sim.url, username: sim.username, password: sim.password },
    name: "old",
    template: TEMPLATES.cloneReady,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { user: "u", port: 22, privateKey: generateClientKeyPair().private },
    memoryMiB: 512,
    powerState: "halted",
    timeouts: { create: 30, ready: 5, delete: 30 },
  };
  const { inputs } = await impl.check({}, raw);
  const made = await impl.create(inputs);
  // Turn it into what 0.1.0 left: only the owner marker, no instance in the outputs.
  const ref = sim.refOf(made.id)!;
  await call("VM.set_other_config", ref, { ...Object.fromEntries(Object.entries(sim.record("VM", ref)!.other_config).filter(([k]) => !k.startsWith("bioxen:"))), "bioxen:owner": owner });
  const { __instance: _dropped, ...legacyOutputs } = made.outs!;

  const read = await impl.read(made.id, legacyOutputs);
  expect(read.id).toBe(made.id);
  const news = (await impl.check({}, { ...raw, memoryMiB: 768 })).inputs;
  const diff = await impl.diff(made.id, read.props!, news);
  expect(diff.replaces).toEqual([]);
  const updated = await impl.update(made.id, read.props!, news);
  expect(updated.outs!.memoryMiB).toBe(768);
  expect(sim.record("VM", ref)!.other_config).toEqual(expect.objectContaining({ "bioxen:owner": owner }));

  // A user's golden template cloned from it carries the same legacy marker: never taken over.
  const golden = String(await call("VM.clone", ref, "legacy-golden"));
  await call("VM.set_is_a_template", golden, true);
  const goldenBefore = JSON.stringify(sim.record("VM", golden));
  const second = await impl.create(inputs);
  expect(second.id).not.toBe(sim.record("VM", golden)!.uuid);
  await impl.delete(second.id, second.outs!);

  await impl.delete(made.id, updated.outs!);
  expect(sim.refOf(made.id)).toBeUndefined();
  expect(JSON.stringify(sim.record("VM", golden))).toBe(goldenBefore);
}, 60_000);
