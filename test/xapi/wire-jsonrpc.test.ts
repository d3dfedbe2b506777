import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  JsonRpcParseError,
  XmlRpcDateTime,
  XmlRpcDouble,
  XmlRpcInt32,
  parseJsonRpcResponse,
  parseMethodResponse,
  serializeJsonRpcRequest,
  toJsonWire,
} from "../../sdk/xapi/wire";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/xapi-wire", name), "utf8");

describe("JSON-RPC codec", () => {
  it("serialises a 2.0 request with the wrappers mapped to JSON", () => {
    const body = serializeJsonRpcRequest(
      "event.from",
      ["OpaqueRef:s", ["task"], "", new XmlRpcDouble(30.5), new XmlRpcInt32(3), new XmlRpcDateTime("20250319T04:16:24Z")],
      17,
    );
    expect(JSON.parse(body)).toEqual({
      jsonrpc: "2.0",
      method: "event.from",
      params: ["OpaqueRef:s", ["task"], "", 30.5, 3, "20250319T04:16:24Z"],
      id: 17,
    });
  });

  it("maps nested values and buffers in toJsonWire", () => {
    expect(toJsonWire({ a: [new XmlRpcDouble(1.5), { b: Buffer.from("hi") }], c: null })).toEqual({ a: [1.5, { b: "aGk=" }], c: null });
  });

  it("returns the result of a success, carrying the same record as the XML-RPC fixture", () => {
    const outcome = parseJsonRpcResponse(fixture("vm-get-record.json"));
    if (!outcome.ok) throw new Error("expected success");
    const record = outcome.result as Record<string, unknown>;
    const xmlRecord = (parseMethodResponse(fixture("vm-get-record.xml")) as { Value: Record<string, unknown> }).Value;
    expect(record.memory_static_max).toBe(1073741824);
    expect(Object.keys(record).sort()).toEqual(Object.keys(xmlRecord).sort());
    expect(record.name_label).toBe(xmlRecord.name_label);
  });

  it("decodes a 2.0 error (message = code, data = params)", () => {
    expect(parseJsonRpcResponse(fixture("error-2.0.json"))).toEqual({
      ok: false,
      code: "SESSION_INVALID",
      params: ["OpaqueRef:d1e2f3a4-b5c6-47d8-9e0f-a1b2c3d4e5f6"],
    });
  });

  it("decodes a 1.0 error (result null, error array)", () => {
    expect(parseJsonRpcResponse(fixture("error-1.0.json"))).toEqual({ ok: false, code: "HANDLE_INVALID", params: ["VM", "OpaqueRef:NULL"] });
  });

  it("keeps a void result (\"\") as a success", () => {
    expect(parseJsonRpcResponse('{"jsonrpc":"2.0","result":"","id":1}')).toEqual({ ok: true, result: "" });
  });

  it("accepts an already parsed body and a generic JSON-RPC error without data", () => {
    expect(parseJsonRpcResponse({ jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: 1 })).toEqual({
      ok: false,
      code: "Method not found",
      params: [],
    });
  });

  it.each([
    ["not JSON", "<html>oops</html>"],
    ["not an object", "[1,2]"],
    ["neither result nor error", '{"id":1}'],
  ])("throws JsonRpcParseError on %s", (_label, body) => {
    expect(() => parseJsonRpcResponse(body)).toThrow(JsonRpcParseError);
  });
});
