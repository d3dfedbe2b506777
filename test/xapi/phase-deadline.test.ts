/**
 * Per-call deadlines follow the phase (sdk/base/phase-scope.ts): inside `withinPhase`, every
 * XAPI call and task wait ends by the phase's deadline, however long its own; calls made once the
 * phase is over (rollback) and `outsidePhase` keep their own deadlines.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { Deadline } from "../../sdk/base/deadline";
import { outsidePhase, withinPhase } from "../../sdk/base/phase-scope";
import { XapiClient, XapiWaitError } from "../../sdk/xapi";
import { startTestSim } from "../support/sim";
import { cloneReadyTemplate, withSimClient } from "../support/sim-client";
import { stopAfterFile } from "../support/sim-suite";

let sim: Simulator;
beforeAll(async () => {
  sim = stopAfterFile(await startTestSim({ guests: false }, { client: false }));
});

const withClient = <T>(body: (client: XapiClient) => Promise<T>) => withSimClient(sim, body, { timeoutMs: 60_000 });

const PHASE = "delete phase, timeouts.delete = 1 s";
const STALL_MS = 30_000;

describe("XAPI calls within a phase", () => {
  it("a call stalled past the phase ends at the phase's deadline, not its own, and its error names the phase and limit", async () => {
    await withClient(async (client) => {
      sim.faults.stall("VM.get_all", STALL_MS);
      const started = Date.now();
      const error = await withinPhase(PHASE, Deadline.in(1_000), () => client.call("VM.get_all")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiWaitError);
      expect((error as Error).message).toContain(PHASE);
      expect(Date.now() - started).toBeLessThan(STALL_MS / 2);
    });
  });

  it("a task wait ends at the phase's deadline, names it, and its task is cancelled and destroyed", async () => {
    await withClient(async (client) => {
      const template = await cloneReadyTemplate(client);
      sim.latency.set({ methods: { "VM.clone": STALL_MS }, scale: 1 });
      try {
        const error = await withinPhase(PHASE, Deadline.in(1_000), () => client.callAsync("VM.clone", template, "phase-clone")).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(XapiWaitError);
        expect((error as Error).message).toMatch(new RegExp(`task OpaqueRef:\\S+ of Async\\.VM\\.clone \\(${PHASE.replace(/\./g, "\\.")}\\)`));
        expect(sim.objects("task")).toHaveLength(0);
        expect(await client.call("VM.get_by_name_label", "phase-clone")).toEqual([]);
      } finally {
        sim.latency.set({ methods: { "VM.clone": 50 } });
      }
    });
  });

  it("an enclosing phase that ends first stays in force; outsidePhase and calls after the phase keep their own deadline", async () => {
    await withClient(async (client) => {
      await withinPhase(PHASE, Deadline.in(300), async () => {
        sim.faults.stall("session.get_uuid", 1_000);
        const inner = withinPhase("inner phase, 60 s", Deadline.in(60_000), () => client.callWith({ deadline: 60_000 }, "session.get_uuid", client.sessionRef!));
        await expect(inner).rejects.toThrow(PHASE);
        sim.faults.stall("VM.get_all", 500);
        await expect(outsidePhase(() => client.call("VM.get_all"))).resolves.toEqual(expect.any(Array));
        // The phase is over: what runs now is failure handling, with its own deadline.
        sim.faults.stall("pool.get_all", 200);
        await expect(client.call("pool.get_all")).resolves.toHaveLength(1);
      });
    });
  });
});
