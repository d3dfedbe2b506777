import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEMPLATES, type Simulator } from "../../sim";
import { XapiClient, XapiError, XapiWaitError } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

/** A VM.clone that stays pending until cancelled (or the suite ends). */
const SLOW_CLONE_MS = 600_000;

describe.each(["json-rpc", "xml-rpc"] as const)("tasks over %s", (transport) => {
  let sim: Simulator;
  let client: XapiClient;
  let template: string;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ slaveHost: false }, { pace: "paced", client: false }));
    client = await XapiClient.connect({ ...credentials(sim), transport });
    const [ref] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    template = ref;
    return () => client.close();
  });
  afterEach(() => {
    sim.faults.clear();
    sim.latency.set({ methods: { "VM.clone": 10 } });
  });

  const tasksLeft = () => sim.objects("task").length;

  it("returns the decoded result of Async.VM.clone and destroys the task", async () => {
    const clone = await client.callAsync("VM.clone", template, "lua-clone-1");
    expect(clone).toMatch(/^OpaqueRef:/);
    expect(await client.call("VM.get_name_label", clone as string)).toBe("lua-clone-1");
    expect(client.callCount("Async.VM.clone")).toBeGreaterThan(0);
    expect(client.callCount("task.destroy")).toBeGreaterThan(0);
    expect(tasksLeft()).toBe(0);
  });

  it("returns \"\" for a task without result", async () => {
    const clone = (await client.callAsync("VM.clone", template, "lua-clone-void")) as string;
    expect(await client.callAsync("VM.destroy", clone)).toBe("");
    expect(tasksLeft()).toBe(0);
  });

  it("raises the task's error_info as XapiError and destroys the task", async () => {
    sim.faults.add({ kind: "fail", method: "VM.clone", code: "SR_FULL", params: ["4294967296", "0"] });
    const error = await client.callAsync("VM.clone", template, "lua-clone-2").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiError);
    expect(error).toMatchObject({ xapiCode: "SR_FULL", params: ["4294967296", "0"], method: "Async.VM.clone" });
    expect(tasksLeft()).toBe(0);
  });

  it("raises TASK_CANCELLED when someone else cancels the task", async () => {
    sim.latency.set({ methods: { "VM.clone": SLOW_CLONE_MS } });
    const other = await XapiClient.connect({ ...credentials(sim), transport });
    try {
      const pending = client.callAsync("VM.clone", template, "lua-clone-3").catch((e: unknown) => e);
      const event = await other.waitFor(["task"], (e) => e.snapshot?.status === "pending", { deadline: 10_000 });
      await other.call("task.cancel", event.ref);
      const error = await pending;
      expect(error).toBeInstanceOf(XapiError);
      expect(error).toMatchObject({ xapiCode: "TASK_CANCELLED", method: "Async.VM.clone" });
    } finally {
      await other.close();
    }
    expect(tasksLeft()).toBe(0);
  });

  it("cancels and destroys the task when the caller aborts", async () => {
    sim.latency.set({ methods: { "VM.clone": SLOW_CLONE_MS } });
    const abort = new AbortController();
    const pending = client.callAsyncWith({ signal: abort.signal, deadline: 60_000 }, "VM.clone", template, "lua-clone-4").catch((e: unknown) => e);
    await client.waitFor(["task"], (e) => e.snapshot?.status === "pending", { deadline: 10_000 });
    abort.abort(new Error("user pressed ^C"));
    const error = await pending;
    expect(error).toBeInstanceOf(XapiWaitError);
    expect(error).toMatchObject({ reason: "aborted" });
    expect(client.callCount("task.cancel")).toBeGreaterThan(0);
    expect(tasksLeft()).toBe(0);
  });

  it("cancels and destroys the task at the deadline", async () => {
    sim.latency.set({ methods: { "VM.clone": SLOW_CLONE_MS } });
    const error = await client.callAsyncWith({ deadline: 400 }, "VM.clone", template, "lua-clone-5").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiWaitError);
    expect(error).toMatchObject({ reason: "timeout" });
    expect((error as Error).message).toMatch(/task OpaqueRef:.* of Async\.VM\.clone/);
    expect(tasksLeft()).toBe(0);
  });

  it("cancels and destroys a pending task when the client is closed, then logs out", async () => {
    sim.latency.set({ methods: { "VM.clone": SLOW_CLONE_MS } });
    const baselineSessions = sim.sessionCount();
    const closing = await XapiClient.connect({ ...credentials(sim), transport });
    const pending = closing.callAsync("VM.clone", template, "lua-clone-closed").catch((e: unknown) => e);
    const event = await closing.waitFor(["task"], (e) => e.snapshot?.status === "pending", { deadline: 10_000 });
    await Promise.all([closing.close(), closing.close()]);
    const error = await pending;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `XapiClient was closed while waiting for task ${event.ref} of Async.VM.clone; the task was cancelled and destroyed`,
    );
    expect(closing.callCount("task.cancel")).toBe(1);
    expect(sim.record("task", event.ref)).toBeUndefined();
    expect(tasksLeft()).toBe(0);
    expect(sim.sessionCount()).toBe(baselineSessions);
    await expect(closing.close()).resolves.toBeUndefined();
  });

  it("re-reads the task record after EVENTS_LOST", async () => {
    sim.faults.add({ kind: "fail", method: "event.from", code: "EVENTS_LOST" });
    const before = client.callCount("task.get_record");
    expect(await client.callAsync("VM.clone", template, "lua-clone-6")).toMatch(/^OpaqueRef:/);
    expect(client.callCount("task.get_record")).toBe(before + 1);
    expect(tasksLeft()).toBe(0);
  });
});
