import { connect } from "node:tls";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { Latency } from "../../sim/ops/latency";
import { awaitTask, failureOf, fails, jsonCall, login, ok, xmlCall } from "./raw";

describe("simulator operations: faults, sessions, pool member", () => {
  let sim: Simulator;
  let url: string;
  let s: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 }, loginFailureDelayMs: 20 });
    url = sim.url;
    s = await login(sim);
  });
  afterAll(() => sim.stop());

  it("fails the nth call of a method with the given code, then recovers", async () => {
    sim.faults.add({ method: "VM.get_all", nth: 2, code: "TOO_MANY_PENDING_TASKS" });
    await ok(url, "VM.get_all", [s]);
    expect(await fails(url, "VM.get_all", [s])).toEqual(["TOO_MANY_PENDING_TASKS"]);
    await ok(url, "VM.get_all", [s]);
  });

  it("fails an Async call's task when its method is faulted", async () => {
    const [tpl] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    sim.faults.add({ method: "VM.clone", kind: "fail", code: "SR_BACKEND_FAILURE_44", params: ["", "insufficient space", ""] });
    const task = await ok(url, "Async.VM.clone", [s, tpl, "faulted"]);
    const record = await awaitTask(url, s, task);
    expect(record.status).toBe("failure");
    expect(record.error_info).toEqual(["SR_BACKEND_FAILURE_44", "", "insufficient space", ""]);
  });

  it("drops the connection of a chosen call", async () => {
    sim.faults.dropConnection("host.get_all");
    await expect(jsonCall(url, "host.get_all", [s])).rejects.toThrow();
    expect(await ok(url, "host.get_all", [s])).toHaveLength(2);
  });

  it("stalls a response for a while, or until the client gives up", async () => {
    sim.faults.add({ method: "pool.get_all", kind: "stall", ms: 50 });
    expect(await ok(url, "pool.get_all", [s])).toHaveLength(1);
    sim.faults.add({ method: "SR.get_all", kind: "stall" });
    const body = JSON.stringify({ jsonrpc: "2.0", method: "SR.get_all", params: [s], id: 1 });
    const stalled = request(new URL("/jsonrpc", url), { method: "POST", body, signal: AbortSignal.timeout(200) });
    await expect(stalled).rejects.toThrow();
    expect(await ok(url, "SR.get_all", [s])).toHaveLength(3);
  });

  it("expires sessions: the next call gets SESSION_INVALID; sessions are counted and logged out", async () => {
    const before = sim.sessionCount();
    const extra = await login(sim);
    expect(sim.sessionCount()).toBe(before + 1);
    await ok(url, "session.logout", [extra]);
    expect(sim.sessionCount()).toBe(before);
    const doomed = await login(sim);
    sim.expireSessions();
    expect(sim.sessionCount()).toBe(0);
    expect(await fails(url, "VM.get_all", [doomed])).toEqual(["SESSION_INVALID", doomed]);
    s = await login(sim);
  });

  it("refuses a wrong password with SESSION_AUTHENTICATION_FAILED after the configured delay", async () => {
    const error = await fails(url, "session.login_with_password", [sim.username, "wrong", "1.1", "tests"]);
    expect(error[0]).toBe("SESSION_AUTHENTICATION_FAILED");
    expect(error[1]).toBe(sim.username);
    expect(JSON.stringify(error)).not.toContain("wrong");
  });

  it("runs a pool member that answers every call with HOST_IS_SLAVE [master address]", async () => {
    expect(sim.slaveUrl).toBeDefined();
    const reply = await xmlCall(sim.slaveUrl!, "session.login_with_password", [sim.username, sim.password]);
    expect(failureOf(reply.body)).toEqual(["HOST_IS_SLAVE", "127.0.0.1"]);
    const viaJson = await jsonCall(sim.slaveUrl!, "pool.get_all", [s]);
    expect(viaJson.error).toEqual({ code: 1, message: "HOST_IS_SLAVE", data: ["127.0.0.1"] });
    const hosts = Object.values(await ok(url, "host.get_all_records", [s])) as Array<{ address: string }>;
    expect(hosts.map((h) => h.address).sort()).toEqual(["127.0.0.1", new URL(sim.slaveUrl!).hostname]);
  });

  it("can loop HOST_IS_SLAVE between master and member with a fault rule", async () => {
    sim.faults.add({ method: "session.login_with_password", code: "HOST_IS_SLAVE", params: [new URL(sim.slaveUrl!).hostname] });
    expect(await fails(url, "session.login_with_password", [sim.username, sim.password])).toEqual(["HOST_IS_SLAVE", "127.0.0.2"]);
    expect(await fails(sim.slaveUrl!, "session.login_with_password", [sim.username, sim.password])).toEqual(["HOST_IS_SLAVE", "127.0.0.1"]);
  });

  it("exposes inspection helpers", async () => {
    const vms = sim.objects("VM");
    expect(vms.length).toBeGreaterThan(0);
    const { ref, record } = vms[0];
    expect(sim.refOf(record.uuid)).toBe(ref);
    expect(sim.record("VM", ref)?.uuid).toBe(record.uuid);
    expect(sim.record("VM", "OpaqueRef:none")).toBeUndefined();
  });

  it("scales per-method latency", () => {
    const latency = new Latency({ scale: 2, methods: { "VM.clone": 50 } });
    expect(latency.delayFor("VM.clone")).toBe(100);
    latency.set({ scale: 0 });
    expect(latency.delayFor("VM.start")).toBe(0);
    expect(() => latency.set({ scale: -1 })).toThrow(/scale/);
  });
});

describe("simulator over HTTPS", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ guests: false, https: true, slaveHost: false });
  });
  afterAll(() => sim.stop());

  it("serves a self-signed certificate whose fingerprint it reports, and answers XAPI over TLS", async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.certificateFingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const { port } = new URL(sim.url);
    const seen = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: Number(port), rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.destroy();
      });
      socket.on("error", reject);
    });
    expect(seen).toBe(sim.certificateFingerprint256);
    const agent = new Agent({ connect: { ca: sim.certificatePem } });
    try {
      const body = JSON.stringify({ jsonrpc: "2.0", method: "session.login_with_password", params: [sim.username, sim.password], id: 1 });
      const res = await request(new URL("/jsonrpc", sim.url), { method: "POST", body, dispatcher: agent });
      expect((await res.body.json()) as object).toMatchObject({ result: expect.stringMatching(/^OpaqueRef:/) });
    } finally {
      await agent.close();
    }
  });
});

describe("simulator stop", () => {
  it("ends pending event.from waits and stalled calls, closes both listeners, and is idempotent", async () => {
    const sim = await startSimulator({ guests: false });
    const s = await login(sim);
    const token = (await ok(sim.url, "event.from", [s, ["vm"], "", 0])).token;
    const waiting = jsonCall(sim.url, "event.from", [s, ["vm"], token, 600]).then(
      () => "answered",
      () => "connection closed",
    );
    sim.faults.stall("pool.get_all");
    const stalled = jsonCall(sim.url, "pool.get_all", [s]).then(
      () => "answered",
      () => "connection closed",
    );
    await Promise.all([sim.stop(), sim.stop()]);
    expect(await waiting).toBe("connection closed");
    expect(await stalled).toBe("connection closed");
    await expect(jsonCall(sim.url, "pool.get_all", [s])).rejects.toThrow();
    await expect(jsonCall(sim.slaveUrl!, "pool.get_all", [s])).rejects.toThrow();
  });
});
