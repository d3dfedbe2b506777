/**
 * The client's resend policy (sdk/xapi/retry.ts) against the simulator's faults: lost answers of
 * read-only calls and TOO_MANY_PENDING_TASKS are sent again; a lost answer of a call that changes
 * the pool is not (the call ran once: no duplicate VM), and the error says what to do.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { XapiClient, XapiError, XapiTransportError } from "../../sdk/xapi";
import { startTestSim } from "../support/sim";
import { cloneReadyTemplate, withSimClient } from "../support/sim-client";
import { stopAfterFile } from "../support/sim-suite";

let sim: Simulator;
beforeAll(async () => {
  sim = stopAfterFile(await startTestSim({ guests: false }, { client: false }));
});

const withClient = <T>(body: (client: XapiClient) => Promise<T>) => withSimClient(sim, body);

const vmCount = () => sim.objects("VM").length;

describe("XAPI client resends", () => {
  it.each(["drop", "http500", "cut"] as const)("a read-only call whose exchange was lost (%s)", async (kind) => {
    await withClient(async (client) => {
      sim.faults.add({ kind, method: "VM.get_all" });
      expect(await client.call("VM.get_all")).toEqual(expect.any(Array));
      expect(client.callCount("VM.get_all")).toBe(2);
    });
  });

  it("a call refused with TOO_MANY_PENDING_TASKS, after a pause, and it runs once", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      const before = vmCount();
      sim.faults.add({ code: "TOO_MANY_PENDING_TASKS", method: "Async.VM.clone", times: 2 });
      const ref = String(await client.callAsync("VM.clone", template, "retry-clone"));
      expect(vmCount()).toBe(before + 1);
      await client.call("VM.destroy", ref);
    });
  });

  it("never a call that changes the pool whose answer was cut off: it ran once and the error says to run again", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      const before = vmCount();
      sim.faults.add({ kind: "cut", method: "VM.clone" });
      const error = await client.call("VM.clone", template, "cut-clone").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiTransportError);
      expect((error as Error).message).toMatch(/VM\.clone.*may or may not have run.*not sent again.*run again/);
      expect(vmCount()).toBe(before + 1);
      const [made] = (await client.call("VM.get_by_name_label", "cut-clone")) as string[];
      await client.call("VM.destroy", made!);
    });
  });

  it("gives up after its resends with the last answer", async () => {
    await withClient(async (client) => {
      sim.faults.add({ code: "TOO_MANY_PENDING_TASKS", method: "VM.get_all", times: Infinity });
      // Resends stop at the call's deadline (a short one here: the default is the client's 30 s).
      const error = await client.callWith({ deadline: 3_000 }, "VM.get_all").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiError);
      expect(error).toMatchObject({ xapiCode: "TOO_MANY_PENDING_TASKS" });
      expect(client.callCount("VM.get_all")).toBeGreaterThan(1);
    });
  });
});
