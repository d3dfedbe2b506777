import { describe, expect, it } from "vitest";
import { KeyedSemaphore, Semaphore } from "../../index";

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("Semaphore", () => {
  it("keeps reserved slots for priority waiters, which go first", async () => {
    const busy: boolean[] = [];
    const slots = new Semaphore(2, { reserved: 1, onBusyChange: (b) => busy.push(b) });
    const first = await slots.acquire();
    const order: string[] = [];
    const ordinary = slots.acquire().then((lease) => (order.push("ordinary"), lease));
    await settle();
    expect(order).toEqual([]);
    const urgent = await slots.acquire({ priority: true });
    expect(slots.stats()).toEqual({ running: 2, waiting: 1 });
    urgent.release();
    urgent.release();
    first.release();
    (await ordinary).release();
    expect(order).toEqual(["ordinary"]);
    expect([busy[0], busy.at(-1)]).toEqual([true, false]);
  });

  it("fails every waiter with rejectAll and lowers or raises its limit", async () => {
    const slots = new Semaphore(1);
    const held = await slots.acquire();
    const waiting = slots.acquire();
    slots.rejectAll(new Error("connection closed"));
    await expect(waiting).rejects.toThrow("connection closed");
    const next = slots.acquire();
    slots.setLimit(2);
    (await next).release();
    held.release();
    expect(() => slots.setLimit(0)).toThrow(/integer ≥ 1/);
  });
});

describe("KeyedSemaphore", () => {
  it("serializes per key, runs different keys together, and forgets idle keys", async () => {
    const locks = new KeyedSemaphore(() => 1);
    const log: string[] = [];
    let openA!: () => void;
    const a1 = locks.run("a", () => new Promise<void>((resolve) => (openA = () => (log.push("a1"), resolve()))));
    const a2 = locks.run("a", async () => void log.push("a2"));
    const b = locks.run("b", async () => void log.push("b"));
    await b;
    expect(locks.stats("a")).toEqual({ running: 1, waiting: 1 });
    openA();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["b", "a1", "a2"]);
    expect(locks.stats("a")).toEqual({ running: 0, waiting: 0 });
    const gaveUp = await locks.run("a", async () => "free").catch((e: unknown) => e);
    expect(gaveUp).toBe("free");
  });
});
