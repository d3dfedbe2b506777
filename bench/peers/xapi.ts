/**
 * XAPI against the pool simulator (fake guests, no simulated latency), our XapiClient vs Xen
 * Orchestra's `xen-api` client, over each transport (JSON-RPC and XML-RPC):
 *   - `VM.get_all_records` of a ~200-VM pool: time per read and peak RSS growth, each side in
 *     its own process (bulk-read-child.ts), fresh and after small calls; over JSON-RPC also
 *     against undici's own `request()`, the HTTP library our client is built on;
 *   - small calls one after the other, and with 50 in flight, in this process;
 *   - `Async.VM.clone` awaited to its result (xen-api: `callAsync`, which needs its event loop).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient, type Xapi } from "xen-api";
import { XapiClient, type XapiTransportKind } from "../../sdk/xapi";
import { TEMPLATES, startSimulator, type Simulator } from "../../sim";
import { compareInRounds, msPerOp, type Comparison, type RoundsSpec } from "./rounds";

const run = promisify(execFile);
const TRANSPORTS: readonly XapiTransportKind[] = ["json-rpc", "xml-rpc"];
const POOL_VMS = 200;
const BULK_ROUNDS = 7;
const READS_PER_CHILD = 10;
/** Small calls a "warm" bulk-read process makes before it is measured. */
const WARM_CALLS = 300;
const ROUNDS = 9;
const SEQUENTIAL_CALLS = 300;
const CONCURRENT_CALLS = 2_000;
const IN_FLIGHT = 50;
const ASYNC_CLONES = 10;

/** Runs the XAPI comparisons on a fresh simulator and stops it. */
export async function compareXapi(): Promise<Comparison[]> {
  const sim = await startSimulator({ guests: false, slaveHost: false, latency: { scale: 0 } });
  try {
    const { vm, template } = await populate(sim);
    const comparisons: Comparison[] = [];
    for (const transport of TRANSPORTS) {
      comparisons.push(...(await compareBulkRead(sim, transport)), ...(await compareCalls(sim, transport, vm, template)));
    }
    return comparisons;
  } finally {
    await sim.stop();
  }
}

/** Clones the clone-ready template until the pool holds about {@link POOL_VMS} VMs; returns one clone and the template. */
async function populate(sim: Simulator): Promise<{ vm: string; template: string }> {
  const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, transport: "json-rpc" });
  try {
    const [template] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    const existing = ((await client.call("VM.get_all")) as string[]).length;
    let vm = "";
    for (let i = existing; i < POOL_VMS; i += 1) vm = String(await client.call("VM.clone", template, `bench-vm-${i}`));
    return { vm, template };
  } finally {
    await client.close();
  }
}

/**
 * The bulk read, each side in a fresh process per round: ours vs xen-api in a cold process (time,
 * and peak RSS: the target is XML-RPC's), the same after {@link WARM_CALLS} small calls (peak RSS
 * without the HTTP parser's one-time compile, see bulk-read-child.ts), and over JSON-RPC ours vs
 * undici's own `request()` (what our client adds to its HTTP library).
 */
async function compareBulkRead(sim: Simulator, transport: XapiTransportKind): Promise<Comparison[]> {
  const label = `XAPI ${transportName(transport)} VM.get_all_records, ${POOL_VMS} VMs`;
  const memoryTarget = transport === "xml-rpc" ? 1.0 : undefined;
  const comparisons = [
    ...(await compareBulkReadSides(sim, transport, "xen-api", 0, {
      time: { workload: label, unit: "ms/read", target: 1.0 },
      memory: { workload: `${label}: peak RSS growth`, unit: "MB", target: memoryTarget },
    })),
    ...(await compareBulkReadSides(sim, transport, "xen-api", WARM_CALLS, {
      memory: { workload: `${label}: peak RSS growth after ${WARM_CALLS} small calls`, unit: "MB" },
    })),
  ];
  if (transport !== "json-rpc") return comparisons;
  return [
    ...comparisons,
    ...(await compareBulkReadSides(sim, transport, "undici", 0, {
      time: { workload: `${label}, vs undici request()`, unit: "ms/read" },
      memory: { workload: `${label}: peak RSS growth, vs undici request()`, unit: "MB" },
    })),
  ];
}

const BULK_PEERS = { "xen-api": "xen-api", undici: "undici request() + JSON.parse (no XAPI client)" } as const;

async function compareBulkReadSides(
  sim: Simulator,
  transport: XapiTransportKind,
  peer: keyof typeof BULK_PEERS,
  warmCalls: number,
  measures: RoundsSpec["measures"],
): Promise<Comparison[]> {
  const child = async (side: string) => {
    const args = ["--import", "tsx", join(__dirname, "bulk-read-child.ts"), side, String(warmCalls), transport, sim.url, sim.username, sim.password, String(READS_PER_CHILD)];
    const { stdout } = await run(process.execPath, args, { cwd: join(__dirname, "..", ".."), maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as { msPerRead: number; peakRssGrowthMB: number; vms: number };
    // Both sides must have read the whole pool, or the comparison compares different work.
    const pool = sim.objects("VM").length;
    if (result.vms !== pool) throw new Error(`bulk read (${side}, ${transport}) got ${result.vms} VM records, the pool has ${pool}`);
    return { time: result.msPerRead, memory: result.peakRssGrowthMB };
  };
  return compareInRounds({
    rounds: BULK_ROUNDS,
    ours: { name: "bioxen-luavm XapiClient", run: () => child("ours") },
    peer: { name: BULK_PEERS[peer], run: () => child(peer) },
    measures,
  });
}

/** One client of each side, measured on the same calls. */
interface CallSide {
  call(method: string, ...params: string[]): Promise<unknown>;
  /** Milliseconds per `Async.VM.clone` of `template` awaited to its result. */
  msPerAsyncClone(template: string): Promise<number>;
  close(): Promise<unknown>;
}

async function connectSides(sim: Simulator, transport: XapiTransportKind): Promise<{ ours: CallSide; peer: CallSide }> {
  const login = { url: sim.url, auth: { user: sim.username, password: sim.password }, transport };
  const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, transport });
  const xo: Xapi = createClient({ ...login, watchEvents: false });
  await xo.connect();
  return {
    ours: { call: (m, ...p) => client.call(m, ...p), msPerAsyncClone: (t) => msPerAsyncClone(client, t), close: () => client.close() },
    peer: {
      call: (m, ...p) => xo.call(m, ...p),
      // xen-api's callAsync waits for the task through its event loop, so it gets a client of its
      // own that watches events (as XO runs it) only while clones are timed, not during the other calls.
      msPerAsyncClone: async (t) => {
        const watching: Xapi = createClient({ ...login, watchEvents: true });
        await watching.connect();
        try {
          return await msPerAsyncClone(watching, t);
        } finally {
          await watching.disconnect();
        }
      },
      close: () => xo.disconnect(),
    },
  };
}

async function compareCalls(sim: Simulator, transport: XapiTransportKind, vm: string, template: string): Promise<Comparison[]> {
  const { ours, peer } = await connectSides(sim, transport);
  try {
    const measure = async (side: CallSide) => ({
      sequential: await msPerOp(SEQUENTIAL_CALLS, () => side.call("VM.get_power_state", vm)),
      inFlight: await msPerCallInFlight(() => side.call("VM.get_power_state", vm)),
      async: await side.msPerAsyncClone(template),
    });
    // One untimed round each first: the first round would otherwise time the JIT warming up.
    await measure(ours);
    await measure(peer);
    const name = transportName(transport);
    return await compareInRounds({
      rounds: ROUNDS,
      ours: { name: "bioxen-luavm XapiClient", run: () => measure(ours) },
      peer: { name: "xen-api", run: () => measure(peer) },
      measures: {
        sequential: { workload: `XAPI ${name}, ${SEQUENTIAL_CALLS} small calls one after the other`, unit: "ms/call", target: 1.0 },
        inFlight: { workload: `XAPI ${name}, ${CONCURRENT_CALLS} calls, ${IN_FLIGHT} in flight`, unit: "ms/call", target: 1.0 },
        async: { workload: `XAPI ${name}, Async.VM.clone awaited to its result`, unit: "ms/clone", target: 1.0 },
      },
    });
  } finally {
    await ours.close();
    await peer.close();
  }
}

/** Wall time per call of {@link CONCURRENT_CALLS} calls, {@link IN_FLIGHT} at a time. */
async function msPerCallInFlight(call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < CONCURRENT_CALLS) {
      next += 1;
      await call();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (performance.now() - started) / CONCURRENT_CALLS;
}

/** Wall time per `Async.VM.clone` awaited to its result, {@link ASYNC_CLONES} one after the other; the clones are destroyed untimed. */
async function msPerAsyncClone(side: Pick<XapiClient, "call" | "callAsync">, template: string): Promise<number> {
  const clones: string[] = [];
  const ms = await msPerOp(ASYNC_CLONES, async (i) => clones.push(String(await side.callAsync("VM.clone", template, `bench-async-${i}`))));
  for (const clone of clones) await side.call("VM.destroy", clone);
  return ms;
}

function transportName(transport: XapiTransportKind): string {
  return transport === "json-rpc" ? "JSON-RPC" : "XML-RPC";
}
