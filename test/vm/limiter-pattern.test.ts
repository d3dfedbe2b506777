import { describe, expect, it } from "vitest";
import { Semaphore, idMatcher, validateVmId } from "../../index";

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("Semaphore", () => {
  it("never runs more than the limit and serves waiters in order", async () => {
    const limiter = new Semaphore(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const runs = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await g.opened;
        inFlight--;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(limiter.stats()).toEqual({ running: 2, waiting: 2 });
    gates[1]!.open();
    await runs[1];
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((g) => g.open());
    await Promise.all(runs);
    expect(maxInFlight).toBe(2);
    expect(limiter.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("stops waiting on abort or queue deadline, naming the work, and frees nothing it never held", async () => {
    const limiter = new Semaphore(1);
    const hold = gate();
    const holder = limiter.run(() => hold.opened);
    const controller = new AbortController();
    const aborted = limiter.run(async () => "never", { signal: controller.signal, what: "execute on worker-9" });
    controller.abort();
    await expect(aborted).rejects.toThrow("execute on worker-9: aborted while waiting for a free slot");
    await expect(limiter.run(async () => "never", { deadline: 10, what: "create VM x" })).rejects.toThrow(/create VM x: no free slot within 10 ms \(limit 1, 1 running\)/);
    expect(limiter.stats()).toEqual({ running: 1, waiting: 0 });
    hold.open();
    await holder;
    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new Semaphore(0)).toThrow(/integer ≥ 1/);
  });
});

describe("idMatcher", () => {
  it("treats strings as whole-id globs with literal punctuation", () => {
    const match = idMatcher("worker-*");
    expect(["worker-0", "worker-12", "worker-"].every(match)).toBe(true);
    expect(["coworker-0", "worker", "worker0"].some(match)).toBe(false);
    expect(idMatcher("a.?")("a.b")).toBe(true);
    expect(idMatcher("a.?")("axb")).toBe(false);
  });

  it("uses a RegExp as given, ignoring the stateful g flag", () => {
    const match = idMatcher(/^w-\d$/g);
    expect([match("w-1"), match("w-1"), match("w-10")]).toEqual([true, true, false]);
  });
});

describe("validateVmId", () => {
  it("accepts plain tokens and refuses paths, spaces and empty ids", () => {
    expect(validateVmId("worker-0.a_b")).toBe("worker-0.a_b");
    for (const bad of ["", "../x", "a b", "-a", "x".repeat(64)]) expect(() => validateVmId(bad)).toThrow(/is invalid/);
  });
});
