/**
 * Raw requests in the shapes real clients put on the wire, POSTed at the simulator byte for
 * byte: Python xmlrpc.client style (pretty-printed, `<string>`, `<int>`, `<boolean>`, nested
 * structs, `<value/>`, `<nil/>`), an `<i4>` from a typed client, and JSON-RPC 1.0 bodies.
 * Answers are compared structurally after decoding, and checked to be xapi's one-line form.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseMethodResponse } from "../../sdk/xapi/wire";
import type { Simulator } from "../../sim";
import { post, xmlCall } from "../sim/raw";
import { useXoSimulator } from "./xo-support";

/** A fixture with its `{{name}}` placeholders filled (values XML-escaped for .xml fixtures). */
function fixture(name: string, fill: Record<string, string>): string {
  const escape = name.endsWith(".xml") ? (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;") : (s: string) => s;
  return readFileSync(join(__dirname, "fixtures", name), "utf8").replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in fill)) throw new Error(`fixture ${name}: no value for {{${key}}}`);
    return escape(fill[key]);
  });
}

/** POSTs an XML-RPC fixture at `/` and returns the decoded envelope, after checking the reply's form. */
async function xmlRpc(sim: Simulator, name: string, fill: Record<string, string>): Promise<unknown> {
  const reply = await post(sim.url, "/", fixture(name, fill));
  expect(reply, name).toMatchObject({ status: 200, contentType: "text/xml" });
  expect(reply.body, `${name}: one line, no whitespace between tags`).not.toMatch(/\n|>\s+</);
  return parseMethodResponse(reply.body);
}

/** POSTs a JSON-RPC fixture at `/jsonrpc` and returns the parsed answer. */
async function jsonRpc(sim: Simulator, name: string, fill: Record<string, string>): Promise<unknown> {
  const reply = await post(sim.url, "/jsonrpc", fixture(name, fill), "application/json");
  expect(reply, name).toMatchObject({ status: 200, contentType: "application/json" });
  return JSON.parse(reply.body);
}

const success = (value: unknown) => ({ Status: "Success", Value: value });
const REF = expect.stringMatching(/^OpaqueRef:[0-9a-f-]{36}$/);

describe("the simulator answering captured-style client requests", () => {
  const suite = useXoSimulator();
  let sim: Simulator;
  let session: string;
  let network: string;

  beforeAll(() => {
    sim = suite.sim;
  });

  it("logs in from a pretty-printed Python xmlrpc.client request with <string> params", async () => {
    const answer = await xmlRpc(sim, "python-login.xml", { username: sim.username, password: sim.password });
    expect(answer).toEqual(success(REF));
    session = (answer as { Value: string }).Value;
  });

  it("creates a network from nested structs with <int>, <boolean>, <value/> and an untyped array member", async () => {
    const answer = await xmlRpc(sim, "python-network-create.xml", { session });
    expect(answer).toEqual(success(REF));
    network = (answer as { Value: string }).Value;
    expect(sim.record("network", network)).toMatchObject({
      name_label: "fixture & net",
      name_description: "",
      MTU: 1500,
      other_config: { "bioxen:owner": "wire-fixtures", empty: "" },
      bridge: expect.stringMatching(/^xapi\d+$/),
      managed: true,
      tags: ["a", "b"],
    });
  });

  it("accepts <i4> for an int64 parameter and emits the value untyped", async () => {
    expect(await xmlRpc(sim, "i4-set-mtu.xml", { session, network })).toEqual(success(""));
    const reply = await post(sim.url, "/", `<?xml version="1.0"?><methodCall><methodName>network.get_MTU</methodName><params><param><value>${session}</value></param><param><value>${network}</value></param></params></methodCall>`);
    expect(reply.body).toContain("<name>Value</name><value>9000</value>");
  });

  it("reads an empty <value/> as the empty string", async () => {
    expect((await xmlCall(sim.url, "network.set_name_description", [session, network, "not yet empty"])).body).toContain("Success");
    expect(sim.record("network", network)?.name_description).toBe("not yet empty");
    expect(await xmlRpc(sim, "empty-value-description.xml", { session, network })).toEqual(success(""));
    expect(sim.record("network", network)?.name_description).toBe("");
  });

  it("answers <nil/> for a string parameter as xapi's unmarshaller does (INTERNAL_ERROR in a Failure envelope), not HTTP 500", async () => {
    expect(await xmlRpc(sim, "nil-param.xml", { session, network })).toEqual({
      Status: "Failure",
      ErrorDescription: ["INTERNAL_ERROR", "Failure(\"Expected string, got 'N'\")"],
    });
    expect(sim.record("network", network)?.name_label).toBe("fixture & net");
  });

  it("answers a pretty-printed JSON-RPC 1.0 body (\"jsonrpc\": \"1.0\", string id) in 1.0 form", async () => {
    const answer = await jsonRpc(sim, "jsonrpc-1.0-get-record.json", { session, network });
    expect(answer).toEqual({
      result: expect.objectContaining({ name_label: "fixture & net", MTU: 9000, other_config: { "bioxen:owner": "wire-fixtures", empty: "" }, tags: ["a", "b"] }),
      error: null,
      id: "fixture-1",
    });
  });

  it("answers a JSON-RPC 1.0 failure as an error array with the request id", async () => {
    expect(await jsonRpc(sim, "jsonrpc-1.0-add-to-other-config.json", { session, network })).toEqual({
      result: null,
      error: ["MAP_DUPLICATE_KEY", "network", "other_config", network, "bioxen:owner"],
      id: 42,
    });
  });
});
