/**
 * Provisioning (issue #12 target 4) on the simulator's default latency model (scale 1):
 * - one XcpngLuaVM create (`ensureXcpngLuaVm`) with a real sshd guest vs its critical path: the
 *   modelled latency of the VM steps no tool can skip (clone/copy, provision, start — those the
 *   create made), the time the simulator's guest layer takes inside VM.start (host key, sshd
 *   spawned and listening: measured, not modelled), the guest's boot delay, and a fresh OpenSSH
 *   connection running `lua5.4 -v` on the booted guest, measured in the same round (target ≤ 1.3);
 * - N = 20 creates at concurrency c vs ceil(N/c) × the median one-VM create, both on a second
 *   simulator with fake guests that forward SSH to one real guest of the first (bench/support/
 *   fake-guest-sim.ts), so the batch measures the provider, not 20 sshd on the machine (target ≤ 1.3).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { closeAllSshConnections } from "../../sdk/ssh";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, type XcpngLuaVmState } from "../../sdk/vm/xcpng";
import { DEFAULT_METHOD_LATENCY, type Simulator } from "../../sim";
import { startTestSim, type SshGuestLogin, type TestSim } from "../../test/support/sim";
import { vmSpec } from "../../test/support/xcpng-inputs";
import { BENCH_DEADLINES, createBatch } from "../support/create-batch";
import { startFakeGuestSim } from "../support/fake-guest-sim";
import { comparisonOf, median, msOf, type Comparison } from "./rounds";

const run = promisify(execFile);
const ROUNDS = 5;
const BATCH = { count: 20, concurrencies: [2, 5], rounds: 4 } as const;
/** Single creates on the fake-guest simulator per batch round (the batches' one-VM time). */
const ONE_VM_PER_ROUND = 3;
/** Guest addresses of this bench (127.94.x.y real, 127.98.x.y fake), apart from the test suites' ranges. */
const ADDRESS_BASE = "127.94";
const FAKE_ADDRESS_BASE = "127.98";
/** The simulator's default guest boot delay (the tests' fast setup shortens it). */
const GUEST_BOOT_DELAY_MS = 500;
/** The VM steps on a create's critical path whatever the tool: their modelled latency counts. */
const UNSKIPPABLE = new Set(["VM.clone", "VM.copy", "VM.provision", "VM.start"]);

type BenchSim = TestSim & SshGuestLogin;

/** Runs the provisioning comparisons on a fresh simulator and stops everything it started. */
export async function compareProvisioning(): Promise<Comparison[]> {
  const env = await startTestSim({ latency: { scale: 1 }, recordCalls: true }, { sshGuests: { addressBase: ADDRESS_BASE, bootDelayMs: GUEST_BOOT_DELAY_MS } });
  const keyDir = await mkdtemp(join(tmpdir(), "bioxen-bench-provision-"));
  try {
    const keyPath = join(keyDir, "id_ed25519");
    await writeFile(keyPath, env.keys.private, { mode: 0o600 });
    const single = await oneVmRounds(env, keyPath, guestStartClock(env.sim));
    const one = comparisonOf(
      { workload: "provisioning: one XcpngLuaVM create (clone … Lua answering)", unit: "ms", ours: "ensureXcpngLuaVm", peer: "critical path (modelled VM steps + simulated guest start + boot delay + OpenSSH `lua5.4 -v`)", target: 1.3 },
      single.ours,
      single.criticalPath,
    );
    const fake = await startFakeGuestSim(env, { addressBase: FAKE_ADDRESS_BASE, bootDelayMs: GUEST_BOOT_DELAY_MS, simulator: { latency: { scale: 1 }, recordCalls: true } });
    try {
      return [one, ...(await batchComparisons(fake.env))];
    } finally {
      await fake.stop();
    }
  } finally {
    await closeAllSshConnections();
    await env.stop();
    await rm(keyDir, { recursive: true, force: true });
  }
}

/**
 * A clock of the wall time (ms, summed) the simulator's guest layer spends starting guests: inside
 * VM.start, after its modelled latency, it writes the guest's host key and spawns its sshd, and
 * every tool waits for that. Wraps the live guest host's `start` (a measurement hook of this bench).
 */
function guestStartClock(sim: Simulator): () => number {
  const host = sim.guestHost;
  const start = host.start.bind(host);
  let totalMs = 0;
  host.start = async (spec, onMetrics) => {
    const began = performance.now();
    try {
      return await start(spec, onMetrics);
    } finally {
      totalMs += performance.now() - began;
    }
  };
  return () => totalMs;
}

/** ROUNDS single creates: our wall time and, from the same round, the critical path's. */
async function oneVmRounds(env: BenchSim, keyPath: string, guestStartMs: () => number): Promise<{ ours: number[]; criticalPath: number[] }> {
  const ours: number[] = [];
  const criticalPath: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const spec = vmSpec(env, `bench-provision-one-${round}`);
    const callsBefore = env.sim.calls().length;
    const guestStartBefore = guestStartMs();
    let state: XcpngLuaVmState | undefined;
    try {
      ours.push(await msOf(async () => (state = await ensureXcpngLuaVm(env.client, spec, BENCH_DEADLINES))));
      const methods = env.sim.calls().slice(callsBefore).map((call) => call.method);
      if (round === 0) printCalls(methods);
      const modelled = modelledVmSteps(methods);
      const address = state?.ipAddress;
      if (!address) throw new Error(`provision bench: VM ${state?.vmUuid} reported no address`);
      const guestStart = guestStartMs() - guestStartBefore;
      criticalPath.push(modelled + guestStart + GUEST_BOOT_DELAY_MS + (await msOf(() => openSshLua(env, keyPath, address))));
    } finally {
      if (state) await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false }, BENCH_DEADLINES);
    }
  }
  return { ours, criticalPath };
}

/** Prints the XAPI calls one create made, repeated ones with their count (what a profile of the create starts from). */
function printCalls(methods: readonly string[]): void {
  const counts = new Map<string, number>();
  methods.forEach((method) => counts.set(method, (counts.get(method) ?? 0) + 1));
  console.log(`XAPI calls of one create: ${methods.length} (${[...counts].map(([method, n]) => (n > 1 ? `${method} ×${n}` : method)).join(", ")})`);
}

/** The modelled latency (ms, scale 1) of the unskippable VM steps among `methods`. */
function modelledVmSteps(methods: readonly string[]): number {
  return methods
    .map((method) => method.replace(/^Async\./, ""))
    .filter((method) => UNSKIPPABLE.has(method))
    .reduce((sum, method) => sum + (DEFAULT_METHOD_LATENCY[method] ?? 0), 0);
}

/** A fresh OpenSSH connection (no multiplexing) running `lua5.4 -v` on the guest at `address`. */
async function openSshLua(env: BenchSim, keyPath: string, address: string): Promise<void> {
  const options = ["BatchMode=yes", "IdentitiesOnly=yes", "StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "LogLevel=ERROR"];
  await run("ssh", ["-F", "/dev/null", "-i", keyPath, "-p", String(env.sshPort), ...options.flatMap((o) => ["-o", o]), `${env.user}@${address}`, "lua5.4", "-v"]);
}

/**
 * Batches on the fake-guest simulator: each round makes ONE_VM_PER_ROUND single creates, then a
 * batch of BATCH.count at each concurrency; each batch's wall vs ceil(N/c) × the median single
 * create on the same simulator in this run (both pay the same boot delay and SSH/Lua checks).
 */
async function batchComparisons(env: BenchSim): Promise<Comparison[]> {
  const oneVm: number[] = [];
  const walls = new Map<number, number[]>(BATCH.concurrencies.map((c) => [c, []]));
  for (let round = 0; round < BATCH.rounds; round += 1) {
    for (let i = 0; i < ONE_VM_PER_ROUND; i += 1) oneVm.push(await createBatch(env.client, env, { prefix: `bench-provision-one-r${round}-${i}`, count: 1, concurrency: 1 }));
    for (const concurrency of BATCH.concurrencies) {
      walls.get(concurrency)!.push(await createBatch(env.client, env, { prefix: `bench-provision-c${concurrency}-r${round}`, count: BATCH.count, concurrency }));
    }
  }
  const oneVmMs = median(oneVm);
  console.log(`one create on fake guests: median ${Math.round(oneVmMs)} ms [${Math.round(Math.min(...oneVm))}–${Math.round(Math.max(...oneVm))}] over ${oneVm.length}`);
  return BATCH.concurrencies.map((concurrency) => {
    const bound = Math.ceil(BATCH.count / concurrency) * oneVmMs;
    const measured = walls.get(concurrency)!;
    return comparisonOf(
      { workload: `provisioning: ${BATCH.count} creates at concurrency ${concurrency}, wall (fake guests, one shared sshd)`, unit: "ms", ours: "ensureXcpngLuaVm × N", peer: `ceil(N/c) × one create on fake guests (${Math.round(oneVmMs)} ms)`, target: 1.3 },
      measured,
      measured.map(() => bound),
    );
  });
}
