import { describe, expect, it } from "vitest";
import { sleep } from "../../sim/ops/sleep";

describe("the simulator's sleep", () => {
  it("takes no timer for no delay, so a zero-latency pool adds no 1 ms to every call", async () => {
    const order: string[] = [];
    const timer = setTimeout(() => order.push("timer"), 0);
    expect(await sleep(0, new AbortController().signal)).toBe(true);
    order.push("slept");
    clearTimeout(timer);
    expect(order).toEqual(["slept"]);
  });

  it("reports an abort, with or without delay", async () => {
    expect(await sleep(0, AbortSignal.abort())).toBe(false);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
  });
});
