/**
 * The simulator's database GC ends sessions as xapi's does (db_gc_util.ml timeout_sessions):
 * inactive ones after the timeout unless they run a task, the least recently active beyond the
 * per-originator limit; a call with an ended session gets SESSION_INVALID; the GC timer ends
 * with the simulator.
 */
import { describe, expect, it } from "vitest";
import { startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { xapiDate } from "../../sim/model/time";
import { awaitTask, fails, ok, xapiOnlySim } from "./raw";

/** Session timeout of these tests: short, yet several times the second resolution of last_active. */
const TIMEOUT_MS = 3_000;
const GC = { inactiveSessionTimeoutMs: TIMEOUT_MS, intervalMs: 50 };

/** Waits (polling the simulator's own state) until `done` holds; fails after `limitMs`. */
async function until(what: string, done: () => boolean, limitMs = 20 * TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function loginAs(sim: Simulator, originator: string): Promise<string> {
  return ok(sim.url, "session.login_with_password", [sim.username, sim.password, "1.1", originator]);
}

const alive = (sim: Simulator, session: string) => sim.record("session", session) !== undefined;

describe("inactive sessions", () => {
  const { sim } = xapiOnlySim({ databaseGc: GC });

  it("are destroyed after the timeout; a call with one then gets SESSION_INVALID", async () => {
    const session = await loginAs(sim(), "expiry");
    expect(await ok(sim().url, "session.get_originator", [session, session])).toBe("expiry");
    await until("the idle session ended", () => !alive(sim(), session));
    expect(await fails(sim().url, "pool.get_all", [session])).toEqual(["SESSION_INVALID", session]);
  });

  it("stay while calls keep them active (an idle one logged in at the same time ends meanwhile)", async () => {
    const idle = await loginAs(sim(), "idle");
    const busy = await loginAs(sim(), "busy");
    const idleEnded = until("the idle session ended", () => !alive(sim(), idle));
    // Keep `busy` in use for two timeouts; the idle one is the clock that the GC ran.
    const end = Date.now() + 2 * TIMEOUT_MS;
    while (Date.now() < end) {
      await ok(sim().url, "pool.get_all", [busy]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await idleEnded;
    expect(alive(sim(), busy)).toBe(true);
    expect(await ok(sim().url, "pool.get_all", [busy])).toHaveLength(1);
  });

  it("stay while they run an unfinished task, and end once it finished", async () => {
    const worker = await loginAs(sim(), "worker");
    const [template] = await ok(sim().url, "VM.get_by_name_label", [worker, TEMPLATES.cloneReady]);
    sim().latency.set({ scale: 1, methods: { "VM.clone": 3_600_000 } });
    try {
      const task = await ok(sim().url, "Async.VM.clone", [worker, template, "slow-clone"]);
      const clock = await loginAs(sim(), "clock");
      await until("an idle session logged in after the task started ended", () => !alive(sim(), clock));
      expect(alive(sim(), worker)).toBe(true);
      const other = await loginAs(sim(), "other");
      await ok(sim().url, "task.cancel", [other, task]);
      expect((await awaitTask(sim().url, other, task)).status).toBe("cancelled");
      await until("the worker session ended once its task finished", () => !alive(sim(), worker));
    } finally {
      sim().latency.set({ scale: 0 });
    }
  });
});

describe("sessions beyond the per-originator limit", () => {
  const { sim } = xapiOnlySim({ databaseGc: { maxSessionsPerOriginator: 3, intervalMs: 50 } });

  it("the least recently active of an originator are destroyed; other originators keep theirs", async () => {
    const oldest = await loginAs(sim(), "crowd");
    const loggedIn = xapiDate();
    // last_active has a resolution of one second: the others must be younger than the oldest.
    await until("the next second", () => xapiDate() !== loggedIn);
    const younger = [await loginAs(sim(), "crowd"), await loginAs(sim(), "crowd"), await loginAs(sim(), "crowd")];
    const elsewhere = [await loginAs(sim(), "aside"), await loginAs(sim(), "aside")];
    await until("the oldest session of the crowd ended", () => !alive(sim(), oldest));
    expect([...younger, ...elsewhere].every((s) => alive(sim(), s))).toBe(true);
  });
});

describe("task.destroy of an unfinished task", () => {
  const { sim, session } = xapiOnlySim({ databaseGc: { intervalMs: 50 } });

  it("is accepted: the task is marked (current_operations task → destroy), runs on, and the GC destroys it once finished", async () => {
    const url = sim().url;
    const [template] = await ok(url, "VM.get_by_name_label", [session(), TEMPLATES.cloneReady]);
    sim().latency.set({ scale: 1, methods: { "VM.clone": 3_000 } });
    try {
      const task = await ok(url, "Async.VM.clone", [session(), template, "destroyed-while-pending"]);
      await ok(url, "task.destroy", [session(), task]);
      expect(await ok(url, "task.get_record", [session(), task])).toMatchObject({ status: "pending", current_operations: { task: "destroy" } });
      await until("the task was destroyed once finished", () => sim().record("task", task) === undefined);
      expect(await ok(url, "VM.get_by_name_label", [session(), "destroyed-while-pending"])).toHaveLength(1);
      expect(await fails(url, "task.get_status", [session(), task])).toEqual(["HANDLE_INVALID", "task", task]);
      expect(await ok(url, "session.get_tasks", [session(), session()])).not.toContain(task);
    } finally {
      sim().latency.set({ scale: 0 });
    }
  });
});

describe("the database GC timer", () => {
  it("ends when the simulator stops: no timer left behind, no pass after", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    await (await startSimulator({ guests: false, latency: { scale: 0 }, databaseGc: GC })).stop();
    // At most: a timer of an earlier test may have ended meanwhile (shared worker).
    expect(timers()).toBeLessThanOrEqual(before);

    const sim = await startSimulator({ guests: false, latency: { scale: 0 }, databaseGc: GC });
    const session = await loginAs(sim, "stopped");
    await sim.stop();
    // A pass would end the idle session within a timeout, the second of last_active and an interval: none comes.
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 1_000 + 4 * GC.intervalMs));
    expect(alive(sim, session)).toBe(true);
  });

  it("refuses a timeout or interval that is not a positive number, naming the option", async () => {
    await expect(startSimulator({ guests: false, databaseGc: { intervalMs: 0 } })).rejects.toThrow("databaseGc.intervalMs must be a positive number, got 0");
    await expect(startSimulator({ guests: false, databaseGc: { inactiveSessionTimeoutMs: -1 } })).rejects.toThrow("databaseGc.inactiveSessionTimeoutMs");
  });
});
