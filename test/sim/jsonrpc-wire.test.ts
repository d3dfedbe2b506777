import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../sim";
import { failureOf, login, post, successValue, xmlCall } from "./raw";

const JSON_TYPE = "application/json";

describe("simulator JSON-RPC wire (POST /jsonrpc)", () => {
  let sim: Simulator;
  let session: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    session = await login(sim);
  });
  afterAll(() => sim.stop());

  const send = (body: unknown) => post(sim.url, "/jsonrpc", JSON.stringify(body), JSON_TYPE);

  it("answers 2.0 with result and the request id, content-type exactly application/json", async () => {
    const reply = await send({ jsonrpc: "2.0", method: "pool.get_all", params: [session], id: "abc" });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe(JSON_TYPE);
    const body = JSON.parse(reply.body);
    expect(body).toEqual({ jsonrpc: "2.0", result: [expect.stringMatching(/^OpaqueRef:/)], id: "abc" });
  });

  it("answers 2.0 errors as {code: 1, message: CODE, data: params}", async () => {
    const reply = await send({ jsonrpc: "2.0", method: "VM.get_record", params: [session, "OpaqueRef:x"], id: 7 });
    expect(JSON.parse(reply.body)).toEqual({ jsonrpc: "2.0", error: { code: 1, message: "HANDLE_INVALID", data: ["VM", "OpaqueRef:x"] }, id: 7 });
  });

  it("answers 1.0 (no jsonrpc member) with result/error/id", async () => {
    const good = JSON.parse((await send({ method: "pool.get_all", params: [session], id: 1 })).body);
    expect(good).toEqual({ result: [expect.stringMatching(/^OpaqueRef:/)], error: null, id: 1 });
    const bad = JSON.parse((await send({ method: "VM.get_record", params: [session, "OpaqueRef:x"], id: 2 })).body);
    expect(bad).toEqual({ result: null, error: ["HANDLE_INVALID", "VM", "OpaqueRef:x"], id: 2 });
  });

  it("gives HTTP 500 for a missing or null id, a 1.0 call without params, or a body that is not JSON", async () => {
    expect((await send({ jsonrpc: "2.0", method: "pool.get_all", params: [session] })).status).toBe(500);
    expect((await send({ jsonrpc: "2.0", method: "pool.get_all", params: [session], id: null })).status).toBe(500);
    expect((await send({ method: "pool.get_all", id: 3 })).status).toBe(500);
    expect((await post(sim.url, "/jsonrpc", "{not json", JSON_TYPE)).status).toBe(500);
  });

  it("renders int64 as numbers, floats as numbers, datetimes as compact strings, void as \"\"", async () => {
    const [vm] = JSON.parse((await send({ jsonrpc: "2.0", method: "VM.get_all", params: [session], id: 1 })).body).result;
    const record = JSON.parse((await send({ jsonrpc: "2.0", method: "VM.get_record", params: [session, vm], id: 1 })).body).result;
    expect(typeof record.memory_static_max).toBe("number");
    expect(record.HVM_shadow_multiplier).toBe(1);
    expect(record.snapshot_time).toMatch(/^\d{8}T\d\d:\d\d:\d\dZ$/);
    const voidReply = JSON.parse((await send({ jsonrpc: "2.0", method: "VM.add_tags", params: [session, vm, "t"], id: 1 })).body);
    expect(voidReply.result).toBe("");
  });

  it("shares sessions between the two transports", async () => {
    const viaXml = successValue((await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password])).body);
    const reply = JSON.parse((await send({ jsonrpc: "2.0", method: "pool.get_all", params: [viaXml], id: 1 })).body);
    expect(reply.result).toHaveLength(1);
  });
});

describe("simulator without JSON-RPC", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ guests: false, jsonRpc: false, slaveHost: false });
  });
  afterAll(() => sim.stop());

  it("answers /jsonrpc as an old host does: not application/json, so clients fall back", async () => {
    const loginBody = { jsonrpc: "2.0", method: "session.login_with_password", params: [sim.username, sim.password], id: 1 };
    const reply = await post(sim.url, "/jsonrpc", JSON.stringify(loginBody), JSON_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain(sim.password);
    expect(reply.contentType).not.toBe(JSON_TYPE);
    expect(reply.contentType).toBe("text/xml");
    expect(failureOf(reply.body)[0]).toBe("XMLRPC_UNMARSHAL_FAILURE");
    const viaXml = await xmlCall(sim.url, "session.login_with_password", [sim.username, sim.password]);
    expect(successValue(viaXml.body)).toMatch(/^OpaqueRef:/);
  });
});
