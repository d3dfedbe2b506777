/**
 * XAPI against the pool simulator (fake guests, no simulated latency), our XapiClient vs Xen
 * Orchestra's `xen-api` client:
 *   - XML-RPC `VM.get_all_records` of a ~200-VM pool: time per read and peak RSS growth, each
 *     side in its own process (bulk-read-child.ts);
 *   - JSON-RPC small calls with 50 in flight, in this process.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient, type Xapi } from "xen-api";
import { XapiClient } from "../../sdk/xapi";
import { TEMPLATES, startSimulator, type Simulator } from "../../sim";
import { compareInRounds, type Comparison } from "./rounds";

const run = promisify(execFile);
const POOL_VMS = 200;
const BULK_ROUNDS = 5;
const READS_PER_CHILD = 3;
const CONCURRENT_ROUNDS = 5;
const CONCURRENT_CALLS = 600;
const IN_FLIGHT = 50;

/** Runs the XAPI comparisons on a fresh simulator and stops it. */
export async function compareXapi(): Promise<Comparison[]> {
  const sim = await startSimulator({ guests: false, slaveHost: false, latency: { scale: 0 } });
  try {
    const vm = await populate(sim);
    return [...(await compareBulkRead(sim)), ...(await compareConcurrency(sim, vm))];
  } finally {
    await sim.stop();
  }
}

/** Clones the clone-ready template until the pool holds about {@link POOL_VMS} VMs; returns one clone. */
async function populate(sim: Simulator): Promise<string> {
  const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, transport: "json-rpc" });
  try {
    const [template] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    const existing = ((await client.call("VM.get_all")) as string[]).length;
    let clone = "";
    for (let i = existing; i < POOL_VMS; i += 1) clone = String(await client.call("VM.clone", template, `bench-vm-${i}`));
    return clone;
  } finally {
    await client.close();
  }
}

async function compareBulkRead(sim: Simulator): Promise<Comparison[]> {
  const child = async (side: string) => {
    const args = ["--import", "tsx", join(__dirname, "bulk-read-child.ts"), side, sim.url, sim.username, sim.password, String(READS_PER_CHILD)];
    const { stdout } = await run(process.execPath, args, { cwd: join(__dirname, "..", ".."), maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as { msPerRead: number; peakRssGrowthMB: number; vms: number };
    return { time: result.msPerRead, memory: result.peakRssGrowthMB };
  };
  return compareInRounds({
    rounds: BULK_ROUNDS,
    ours: { name: "bioxen-luavm XapiClient", run: () => child("ours") },
    peer: { name: "xen-api", run: () => child("xen-api") },
    measures: {
      time: { workload: `XAPI XML-RPC VM.get_all_records, ${POOL_VMS} VMs`, unit: "ms/read", target: 1.0 },
      memory: { workload: `XAPI XML-RPC VM.get_all_records, ${POOL_VMS} VMs: peak RSS growth`, unit: "MB", target: 1.0 },
    },
  });
}

async function compareConcurrency(sim: Simulator, vm: string): Promise<Comparison[]> {
  const ours = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, transport: "json-rpc" });
  const xo: Xapi = createClient({ url: sim.url, auth: { user: sim.username, password: sim.password }, transport: "json-rpc", watchEvents: false });
  try {
    await xo.connect();
    await Promise.all([ours.call("VM.get_power_state", vm), xo.call("VM.get_power_state", vm)]);
    return await compareInRounds({
      rounds: CONCURRENT_ROUNDS,
      ours: { name: "bioxen-luavm XapiClient", run: async () => ({ call: await msPerCallInFlight(() => ours.call("VM.get_power_state", vm)) }) },
      peer: { name: "xen-api", run: async () => ({ call: await msPerCallInFlight(() => xo.call("VM.get_power_state", vm)) }) },
      measures: { call: { workload: `XAPI JSON-RPC, ${CONCURRENT_CALLS} calls, ${IN_FLIGHT} in flight`, unit: "ms/call", target: 1.0 } },
    });
  } finally {
    await ours.close();
    await xo.disconnect();
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
