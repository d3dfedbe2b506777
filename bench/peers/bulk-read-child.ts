/**
 * One side of the bulk-read comparison, in its own process so its peak RSS is its own: connects
 * over the given transport, reads `VM.get_all_records` `reads` times, prints one JSON line
 * {msPerRead (median), peakRssGrowthMB (peak RSS during the reads minus RSS before them)}.
 * Only the side's own client is loaded. Sides: `ours`, `xen-api`, and `undici` (undici's
 * `request()` and `JSON.parse`, JSON-RPC only: the HTTP library our client is built on).
 * With `warm-calls` > 0 it first makes that many small calls: V8 compiles undici's HTTP parser (WebAssembly) again
 * in a background thread once it is hot, a one-time cost of tens of MB of compiler memory that
 * would otherwise land in whichever reads come first.
 * Usage (from bench/peers/xapi.ts): node --import tsx bulk-read-child.ts <ours|xen-api|undici> <warm-calls> <json-rpc|xml-rpc> <url> <user> <password> <reads>
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { XapiTransportKind } from "../../sdk/xapi";
import { median } from "./rounds";

/** A connected client of one side. */
interface Caller {
  call(method: string): Promise<unknown>;
  close(): Promise<unknown>;
}

interface Login {
  transport: XapiTransportKind;
  url: string;
  user: string;
  password: string;
}

async function connect(side: string, login: Login): Promise<Caller> {
  if (side === "ours") return connectOurs(login);
  if (side === "xen-api") return connectXenApi(login);
  if (side === "undici" && login.transport === "json-rpc") return connectUndici(login);
  throw new Error(`no side "${side}" over ${login.transport}`);
}

async function connectOurs({ transport, url, user, password }: Login): Promise<Caller> {
  const { XapiClient } = await import("../../sdk/xapi");
  const client = await XapiClient.connect({ url, username: user, password, transport });
  return { call: (method) => client.call(method), close: () => client.close() };
}

async function connectXenApi({ transport, url, user, password }: Login): Promise<Caller> {
  const { createClient } = await import("xen-api");
  const xo = createClient({ url, auth: { user, password }, transport, watchEvents: false });
  await xo.connect();
  return { call: (method) => xo.call(method), close: () => xo.disconnect() };
}

async function connectUndici({ url, user, password }: Login): Promise<Caller> {
  const { Agent, request } = await import("undici");
  const dispatcher = new Agent();
  const post = async (method: string, params: unknown[]): Promise<unknown> => {
    const body = JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 });
    const reply = await request(`${url}/jsonrpc`, { dispatcher, method: "POST", body, headers: { "content-type": "application/json" } });
    return (JSON.parse(await reply.body.text()) as { result: unknown }).result;
  };
  const session = await post("session.login_with_password", [user, password, "1.0", "bench"]);
  return {
    call: (method) => post(method, [session]),
    close: async () => {
      await post("session.logout", [session]);
      await dispatcher.close();
    },
  };
}

/**
 * The peak RSS from here on: on Linux the kernel's high-water mark is reset now and read at the
 * end (VmHWM), elsewhere the process's lifetime peak is all there is.
 */
function peakRssFromNow(): () => number {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
  } catch {
    return () => process.resourceUsage().maxRSS * 1024;
  }
}

async function main(): Promise<void> {
  const [side, warmCalls, transport, url, user, password, reads] = process.argv.slice(2);
  const caller = await connect(side, { transport: transport as XapiTransportKind, url, user, password });
  for (let i = 0; i < Number(warmCalls); i += 1) await caller.call("pool.get_all");
  const rssBefore = process.memoryUsage().rss;
  const peakRss = peakRssFromNow();
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < Number(reads); i += 1) {
    const started = performance.now();
    const records = await caller.call("VM.get_all_records");
    times.push(performance.now() - started);
    count = Object.keys(records as object).length;
  }
  const peak = peakRss();
  await caller.close();
  console.log(JSON.stringify({ msPerRead: median(times), peakRssGrowthMB: (peak - rssBefore) / 1e6, vms: count }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
