/**
 * Tasks and sessions as xapi keeps them (a task belongs to the session that made it, listed by
 * session.get_tasks, and outlives its logout), and the client's cleanup of a task whose
 * `Async.*` answer was lost (sdk/xapi/lost-tasks.ts): found in its session, awaited, destroyed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { XapiClient, XapiTransportError } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { cloneReadyTemplate, withSimClient } from "../support/sim-client";
import { stopAfterFile } from "../support/sim-suite";

let sim: Simulator;
beforeAll(async () => {
  sim = stopAfterFile(await startTestSim({ guests: false }, { client: false }));
});

const withClient = <T>(body: (client: XapiClient) => Promise<T>) => withSimClient(sim, body);

async function destroyNamed(client: XapiClient, name: string): Promise<number> {
  const refs = (await client.call("VM.get_by_name_label", name)) as string[];
  for (const ref of refs) await client.call("VM.destroy", ref);
  return refs.length;
}

const taskCount = () => sim.objects("task").length;

describe("simulator: tasks belong to their session", () => {
  it("session.get_tasks lists the session's own tasks; a task outlives its session's logout; task.destroy takes it out", async () => {
    const owner = await XapiClient.connect({ ...credentials(sim) });
    const made = String(await owner.call("task.create", "mine", ""));
    expect(await owner.call("session.get_tasks", owner.sessionRef!)).toEqual([made]);
    await withClient(async (other) => {
      expect(await other.call("session.get_tasks", other.sessionRef!)).toEqual([]);
      await owner.close();
      expect(await other.call("task.get_name_label", made)).toBe("mine");
      await other.call("task.set_status", made, "success");
      await other.call("task.destroy", made);
    });
    expect(taskCount()).toBe(0);
  });
});

describe("XAPI client: a lost Async answer leaves no task", () => {
  it("a cut answer of Async.VM.clone: its task is found in the session, awaited and destroyed; the error says how it ended", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      sim.faults.add({ kind: "cut", method: "Async.VM.clone" });
      const error = await client.callAsync("VM.clone", template, "lost-clone").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiTransportError);
      expect((error as Error).message).toMatch(/may or may not have run.*run again.*its task OpaqueRef:\S+ succeeded and was destroyed/);
      expect(taskCount()).toBe(0);
      expect(await destroyNamed(client, "lost-clone")).toBe(1);
    });
  });

  it("a concurrent Async call of the same method keeps its task: only the lost one is cleaned up", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      sim.faults.add({ kind: "cut", method: "Async.VM.clone" });
      const [lost, kept] = await Promise.allSettled([client.callAsync("VM.clone", template, "lost-a"), client.callAsync("VM.clone", template, "kept-b")]);
      const outcomes = [lost, kept].map((o) => o.status).sort();
      expect(outcomes).toEqual(["fulfilled", "rejected"]);
      expect(taskCount()).toBe(0);
      expect((await destroyNamed(client, "lost-a")) + (await destroyNamed(client, "kept-b"))).toBe(2);
    });
  });

  it("a failed task whose answer was cut is destroyed too, and its code is named", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      sim.faults.add({ kind: "cut", method: "Async.VM.clone" });
      sim.faults.add({ method: "VM.clone", code: "SR_FULL", params: ["1", "0"] });
      const error = await client.callAsync("VM.clone", template, "full-clone").catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/failed with SR_FULL and was destroyed/);
      expect(taskCount()).toBe(0);
    });
  });
});
