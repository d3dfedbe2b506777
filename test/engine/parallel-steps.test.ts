import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runSteps } from "../support/engine/parallel-steps";

/** A step that records when it started and ended and how many ran at once. */
function recorder(ms = 20) {
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const step = async (item: string) => {
    running++;
    peak = Math.max(peak, running);
    events.push(`start ${item}`);
    await sleep(ms);
    events.push(`end ${item}`);
    running--;
  };
  return { events, step, peak: () => peak };
}

describe("runSteps: the harness's step scheduling (refresh reads, deletes)", () => {
  it("runs independent steps at once, up to the limit", async () => {
    const r = recorder();
    await runSteps(["a", "b", "c", "d", "e"], r.step, { limit: 3 });
    expect(r.peak()).toBe(3);
    expect(r.events.filter((e) => e.startsWith("end"))).toHaveLength(5);
  });

  it("starts a step only after the earlier steps it waits for have ended", async () => {
    const r = recorder();
    // Deletion order: dependents first; "base" waits for both, "mid" for "top".
    const dependents: Record<string, string[]> = { top: [], other: [], mid: ["top"], base: ["mid", "other"] };
    await runSteps(["top", "other", "mid", "base"], r.step, { after: (item, earlier) => earlier.filter((e) => dependents[item]!.includes(e)) });
    const at = (event: string) => r.events.indexOf(event);
    expect(at("start top")).toBeLessThan(at("end top"));
    expect(at("start other")).toBeLessThan(at("end top"));
    expect(at("end top")).toBeLessThan(at("start mid"));
    expect(at("end mid")).toBeLessThan(at("start base"));
    expect(at("end other")).toBeLessThan(at("start base"));
  });

  it("after a failure starts no further step, lets the running ones end, and throws that failure", async () => {
    const r = recorder(30);
    const failing = async (item: string) => {
      if (item === "bad") throw new Error("delete bad refused");
      await r.step(item);
    };
    await expect(runSteps(["slow", "bad", "late"], failing, { limit: 2 })).rejects.toThrow("delete bad refused");
    expect(r.events).toEqual(["start slow", "end slow"]);
  });

  it("stops waiting for a slot when the signal aborts", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const run = runSteps(
      ["a", "b"],
      async (item) => {
        started.push(item);
        controller.abort(new Error("operation cancelled"));
        await sleep(10);
      },
      { limit: 1, signal: controller.signal },
    );
    await expect(run).rejects.toThrow();
    expect(started).toEqual(["a"]);
  });
});
