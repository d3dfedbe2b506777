import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { awaitTask, fails, login, ok, post } from "./raw";

const TOKEN = /^\d{20},\d{20}$/;

describe("simulator events and tasks", () => {
  let sim: Simulator;
  let s: string;
  let url: string;
  let template: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    url = sim.url;
    s = await login(sim);
    [template] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
  });
  afterAll(() => sim.stop());

  it("returns every current object as add for the empty token, with valid_ref_counts and a token", async () => {
    const batch = await ok(url, "event.from", [s, ["vm", "pool"], "", 1]);
    expect(batch.token).toMatch(TOKEN);
    const vms = await ok(url, "VM.get_all", [s]);
    expect(batch.events.filter((e: any) => e.class === "vm")).toHaveLength(vms.length);
    expect(batch.events.every((e: any) => e.operation === "add" && e.timestamp === "0.0" && /^\d+$/.test(e.id))).toBe(true);
    expect(batch.valid_ref_counts).toEqual({ vm: vms.length, pool: 1 });
    const pool = batch.events.find((e: any) => e.class === "pool");
    expect(pool.snapshot.name_label).toBe("bioxen-sim-pool");
  });

  it("never broadcasts session refs, even to \"*\" subscribers", async () => {
    const batch = await ok(url, "event.from", [s, ["*"], "", 1]);
    expect(batch.events.some((e: any) => e.class === "session")).toBe(false);
    expect(batch.valid_ref_counts).not.toHaveProperty("session");
    expect(JSON.stringify(batch)).not.toContain(s);
  });

  it("emits valid_ref_counts as <i4> over XML-RPC", async () => {
    const body = `<?xml version="1.0"?><methodCall><methodName>event.from</methodName><params><param><value>${s}</value></param><param><value><array><data><value>pool</value></data></array></value></param><param><value></value></param><param><value><double>1.0</double></value></param></params></methodCall>`;
    const reply = await post(url, "/", body);
    expect(reply.body).toContain("<member><name>valid_ref_counts</name><value><struct><member><name>pool</name><value><i4>1</i4></value></member></struct></value></member>");
  });

  it("blocks until something changes, then reports add, mod and del of the watched class only", async () => {
    const start = (await ok(url, "event.from", [s, ["vm"], "", 0])).token;
    const pending = ok(url, "event.from", [s, ["vm"], start, 30]);
    const vm = await ok(url, "VM.clone", [s, template, "watched"]);
    const first = await pending;
    const adds = first.events.filter((e: any) => e.ref === vm);
    expect(adds).toHaveLength(1);
    expect(adds[0]).toMatchObject({ class: "vm", operation: "add", ref: vm });
    expect(adds[0].snapshot.name_label).toBe("watched");
    expect(first.events.every((e: any) => e.class === "vm")).toBe(true);

    await ok(url, "VM.set_name_label", [s, vm, "renamed"]);
    const second = await ok(url, "event.from", [s, [`vm/${vm}`], first.token, 30]);
    expect(second.events).toEqual([expect.objectContaining({ operation: "mod", ref: vm, snapshot: expect.objectContaining({ name_label: "renamed" }) })]);

    await ok(url, "VM.destroy", [s, vm]);
    const third = await ok(url, "event.from", [s, ["VM"], second.token, 30]);
    const del = third.events.find((e: any) => e.ref === vm);
    expect(del).toMatchObject({ class: "vm", operation: "del", ref: vm });
    expect(del).not.toHaveProperty("snapshot");
  });

  it("returns an empty batch only when the timeout expires", async () => {
    const token = (await ok(url, "event.from", [s, ["console"], "", 0])).token;
    const batch = await ok(url, "event.from", [s, ["console"], token, 0.05]);
    expect(batch.events).toEqual([]);
    expect(batch.token).toMatch(TOKEN);
  });

  it("rejects a malformed token and injects events", async () => {
    expect(await fails(url, "event.from", [s, ["vm"], "not-a-token", 1])).toEqual(["EVENT_FROM_TOKEN_PARSE_FAILURE", "not-a-token"]);
    const [pool] = await ok(url, "pool.get_all", [s]);
    const before = (await ok(url, "event.from", [s, ["pool"], "", 0])).token;
    const injected = await ok(url, "event.inject", [s, "pool", pool]);
    expect(injected).toMatch(TOKEN);
    const batch = await ok(url, "event.from", [s, ["pool"], before, 5]);
    expect(batch.events).toEqual([expect.objectContaining({ class: "pool", operation: "mod", ref: pool })]);
  });

  it("runs Async calls as tasks whose result is an XML-RPC value string", async () => {
    const task = await ok(url, "Async.VM.clone", [s, template, "async-clone"]);
    expect(task).toMatch(/^OpaqueRef:/);
    const record = await awaitTask(url, s, task);
    expect(record.status).toBe("success");
    expect(record.progress).toBe(1);
    expect(record.name_label).toBe("Async.VM.clone");
    const match = /^<value>(OpaqueRef:[0-9a-f-]+)<\/value>$/.exec(record.result);
    expect(match).not.toBeNull();
    expect(await ok(url, "VM.get_name_label", [s, match![1]])).toBe("async-clone");
    await ok(url, "task.destroy", [s, task]);
    expect((await fails(url, "task.get_record", [s, task]))[0]).toBe("HANDLE_INVALID");
  });

  it("records failures in error_info and void results as \"\"", async () => {
    const failing = await ok(url, "Async.VM.start", [s, template, false, false]);
    const failed = await awaitTask(url, s, failing);
    expect(failed.status).toBe("failure");
    expect(failed.error_info).toEqual(["VM_IS_TEMPLATE", template, "start"]);
    const vm = await ok(url, "VM.clone", [s, template, "void"]);
    const done = await awaitTask(url, s, await ok(url, "Async.VM.provision", [s, vm]));
    expect(done.status).toBe("success");
    expect(done.result).toBe("");
  });

  it("fails Async of accessors (a Fault, as xapi's do_dispatch answers) and unknown methods at once", async () => {
    expect(await fails(url, "Async.VM.get_record", [s, template])).toEqual(["Fault", "No async mode for this operation (rpc: VM.get_record)"]);
    expect(await fails(url, "Async.VM.set_VCPUs_max", [s, template, 2])).toEqual(["Fault", "No async mode for this operation (rpc: VM.set_VCPUs_max)"]);
    expect(await fails(url, "Async.VM.fly", [s, template])).toEqual(["MESSAGE_METHOD_UNKNOWN", "VM.fly"]);
  });

  it("cancels a pending task (TASK_CANCELLED)", async () => {
    sim.latency.set({ scale: 1, methods: { "VM.clone": 60_000 } });
    try {
      const task = await ok(url, "Async.VM.clone", [s, template, "never"]);
      await ok(url, "task.cancel", [s, task]);
      const record = await awaitTask(url, s, task);
      expect(record.status).toBe("cancelled");
      expect(record.error_info[0]).toBe("TASK_CANCELLED");
      expect(await ok(url, "VM.get_by_name_label", [s, "never"])).toEqual([]);
    } finally {
      sim.latency.set({ scale: 0 });
    }
  });
});
