/**
 * Raw wire access to the simulator for its tests: hand-written XML-RPC and JSON-RPC documents
 * over plain HTTP (undici), deliberately not through the project's client.
 */
import { request } from "undici";
import { afterAll, beforeAll } from "vitest";
import { startSimulator, type Simulator } from "../../sim";

/** Escapes text for an XML-RPC `<value>`. */
function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A hand-typed XML-RPC param: strings go untyped, like many clients send them. */
export type RawParam = string | { xml: string };

/** Builds a methodCall document; `{xml}` params are inserted verbatim inside `<value>`. */
export function methodCall(method: string, params: RawParam[]): string {
  const body = params.map((p) => `<param><value>${typeof p === "string" ? esc(p) : p.xml}</value></param>`).join("");
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${body}</params></methodCall>`;
}

/** An HTTP answer as received. */
export interface RawReply {
  status: number;
  contentType: string;
  body: string;
}

/** POSTs a body and returns status, content-type and text. */
export async function post(url: string, path: string, body: string, contentType = "text/xml"): Promise<RawReply> {
  const res = await request(new URL(path, url), { method: "POST", body, headers: { "content-type": contentType } });
  return { status: res.statusCode, contentType: String(res.headers["content-type"]), body: await res.body.text() };
}

/** XML-RPC call at POST /, returning the raw reply. */
export function xmlCall(url: string, method: string, params: RawParam[]): Promise<RawReply> {
  return post(url, "/", methodCall(method, params));
}

/** Pulls the Value of a Success envelope out of raw XML (simple values only: refs, strings). */
export function successValue(body: string): string {
  const match = /<member><name>Status<\/name><value>Success<\/value><\/member><member><name>Value<\/name><value>([^<]*)<\/value><\/member>/.exec(body);
  if (!match) throw new Error(`not a simple Success envelope: ${body.slice(0, 300)}`);
  return match[1];
}

/** The ErrorDescription strings of a Failure envelope. */
export function failureOf(body: string): string[] {
  const match = /<name>ErrorDescription<\/name><value><array><data>(.*)<\/data><\/array><\/value>/.exec(body);
  if (!match || !body.includes("<value>Failure</value>")) throw new Error(`not a Failure envelope: ${body.slice(0, 300)}`);
  return [...match[1].matchAll(/<value>([^<]*)<\/value>/g)].map((m) => m[1]);
}

/** JSON-RPC 2.0 call; returns the parsed response object. */
export async function jsonCall(url: string, method: string, params: unknown[]): Promise<{ result?: any; error?: { code: number; message: string; data: string[] } }> {
  const reply = await post(url, "/jsonrpc", JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }), "application/json");
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
  return JSON.parse(reply.body);
}

/** JSON-RPC 2.0 call that must succeed; returns the result. */
export async function ok(url: string, method: string, params: unknown[]): Promise<any> {
  const reply = await jsonCall(url, method, params);
  if (reply.error) throw new Error(`${method} failed: ${reply.error.message} ${JSON.stringify(reply.error.data)}`);
  return reply.result;
}

/** JSON-RPC 2.0 call that must fail; returns `[CODE, ...params]`. */
export async function fails(url: string, method: string, params: unknown[]): Promise<string[]> {
  const reply = await jsonCall(url, method, params);
  if (!reply.error) throw new Error(`${method} unexpectedly succeeded with ${JSON.stringify(reply.result)}`);
  return [reply.error.message, ...reply.error.data];
}

/** Logs in over JSON-RPC and returns the session ref. */
export function login(sim: { url: string; username: string; password: string }): Promise<string> {
  return ok(sim.url, "session.login_with_password", [sim.username, sim.password, "1.1", "bioxen-luavm sim tests"]);
}

/** Waits for an Async task to finish through event.from (no polling); returns its record. */
export async function awaitTask(url: string, session: string, task: string): Promise<any> {
  let token = "";
  for (let round = 0; round < 100; round += 1) {
    const record = await ok(url, "task.get_record", [session, task]);
    if (record.status !== "pending" && record.status !== "cancelling") return record;
    const batch = await ok(url, "event.from", [session, [`task/${task}`], token, 5.0]);
    token = batch.token;
  }
  throw new Error(`task ${task} did not finish`);
}

/** An XAPI-only simulator (no guests, no latency) with one logged-in session, for the enclosing describe block. */
export function xapiOnlySim(): { sim: () => Simulator; session: () => string } {
  let sim: Simulator | undefined;
  let session = "";
  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    session = await login(sim);
  });
  afterAll(() => sim?.stop());
  return { sim: () => sim!, session: () => session };
}
