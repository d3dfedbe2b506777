/**
 * The XAPI client (sdk/xapi) against the pool simulator (fake guests, no simulated latency):
 *   1. JSON-RPC vs XML-RPC: 500 `VM.get_all_records` (a pool of ~50 VMs) and 500 small calls;
 *   2. callAsync (Async.* task + event.from wait + task.destroy) vs a plain call;
 *   3. 50 concurrent calls on one shared session vs a login (connect, call, logout) per call.
 * One run; read the ratios, not the absolute numbers. Usage: npx tsx bench/xapi-transport.ts
 */
import { XapiClient, type XapiTransportKind } from "../sdk/xapi";
import { TEMPLATES, type Simulator } from "../sim";
import { startTestSim } from "../test/support/sim";
import { measureConcurrent, measureSequential, printRatio } from "./support/measure";

const CALLS = 500;
const EXTRA_VMS = 45;
const ASYNC_CALLS = 200;
const CONCURRENCY = 50;
const ROUNDS = 10;

function connect(sim: Simulator, transport: XapiTransportKind): Promise<XapiClient> {
  return XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, transport });
}

/** Clones the clone-ready template so that `VM.get_all_records` has a realistic size; returns one clone. */
async function populate(client: XapiClient): Promise<string> {
  const [template] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
  let clone = "";
  for (let i = 0; i < EXTRA_VMS; i += 1) clone = String(await client.call("VM.clone", template, `bench-vm-${i}`));
  const records = await client.call("VM.get_all_records");
  const count = Object.keys(records as object).length;
  console.log(`pool: ${count} VMs; VM.get_all_records ≈ ${JSON.stringify(records).length} bytes as JSON`);
  return clone;
}

async function compareTransports(sim: Simulator, vm: string): Promise<void> {
  const results = [];
  for (const kind of ["json-rpc", "xml-rpc"] as const) {
    const client = await connect(sim, kind);
    try {
      await client.call("VM.get_all_records"); // warm the connection outside the measurement
      const big = await measureSequential(`${kind} VM.get_all_records`, CALLS, () => client.call("VM.get_all_records"));
      const small = await measureSequential(`${kind} VM.get_power_state`, CALLS, () => client.call("VM.get_power_state", vm));
      results.push({ big, small });
    } finally {
      await client.close();
    }
  }
  const [json, xml] = results;
  printRatio("JSON-RPC vs XML-RPC, VM.get_all_records", json.big, xml.big);
  printRatio("JSON-RPC vs XML-RPC, small call", json.small, xml.small);
}

async function compareAsync(sim: Simulator, vm: string): Promise<void> {
  const client = await connect(sim, "json-rpc");
  try {
    await client.callAsync("VM.get_allowed_VIF_devices", vm);
    const plain = await measureSequential("plain call VM.get_allowed_VIF_devices", ASYNC_CALLS, () => client.call("VM.get_allowed_VIF_devices", vm));
    const before = client.callCount();
    const task = await measureSequential("callAsync VM.get_allowed_VIF_devices", ASYNC_CALLS, () => client.callAsync("VM.get_allowed_VIF_devices", vm));
    console.log(`callAsync: ${((client.callCount() - before) / ASYNC_CALLS).toFixed(1)} HTTP calls per operation`);
    printRatio("plain call vs callAsync", plain, task);
  } finally {
    await client.close();
  }
}

async function compareSessions(sim: Simulator, vm: string): Promise<void> {
  const shared = await connect(sim, "json-rpc");
  let sharedRun;
  try {
    sharedRun = await measureConcurrent(`${CONCURRENCY} concurrent calls, one shared session`, ROUNDS, CONCURRENCY, () => shared.call("VM.get_power_state", vm));
  } finally {
    await shared.close();
  }
  const perCall = await measureConcurrent(`${CONCURRENCY} concurrent calls, login per call`, ROUNDS, CONCURRENCY, async () => {
    const client = await connect(sim, "json-rpc");
    try {
      return await client.call("VM.get_power_state", vm);
    } finally {
      await client.close();
    }
  });
  printRatio("shared session vs login per call", sharedRun, perCall);
  console.log(`sessions left on the simulator: ${sim.sessionCount()}`);
}

async function main(): Promise<void> {
  const env = await startTestSim({ guests: false }, { client: false });
  const { sim } = env;
  try {
    const setup = await connect(sim, "json-rpc");
    let vm: string;
    try {
      vm = await populate(setup);
    } finally {
      await setup.close();
    }
    await compareTransports(sim, vm);
    await compareAsync(sim, vm);
    await compareSessions(sim, vm);
  } finally {
    await env.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
