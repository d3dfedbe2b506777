/**
 * Creates 6 Lua VMs through sdk/vm/xcpng `ensureXcpngLuaVm` against the pool simulator with real
 * sshd guests and the default latency model (clone 50 ms, start 100 ms, guest agent 500 ms after
 * boot, …), at create concurrency 1, 2 (the provider's per-pool default) and 6; every VM is
 * destroyed after each round. One run; read the wall-time ratios.
 * Usage: npx tsx bench/create-vms.ts
 */
import { closeAllSshConnections } from "../sdk/ssh";
import type { XapiClient } from "../sdk/xapi";
import { startTestSim, type SshGuestLogin } from "../test/support/sim";
import { createBatch } from "./support/create-batch";
import { printRatio, type Measurement } from "./support/measure";

const VMS = 6;
const CONCURRENCIES = [1, 2, 6] as const;
/** Guest addresses of this bench (127.88.x.y), apart from the test suites' ranges. */
const ADDRESS_BASE = "127.88";
/** The simulator's default guest agent delay (the tests' fast setup shortens it). */
const GUEST_BOOT_DELAY_MS = 500;

/** Times one batch of VMS creates at `concurrency` (each VM destroyed after, not timed). */
async function createRound(client: XapiClient, concurrency: number, login: SshGuestLogin): Promise<Measurement> {
  const label = `${VMS} VMs, create concurrency ${concurrency}`;
  const ms = await createBatch(client, login, { prefix: `bench-r${concurrency}`, count: VMS, concurrency });
  console.log(`${label}: ${VMS} ops in ${ms.toFixed(0)} ms`);
  return { label, ops: VMS, ms };
}

async function main(): Promise<void> {
  // The default latency model (scale 1): this bench measures against it.
  const env = await startTestSim({ latency: { scale: 1 } }, { sshGuests: { addressBase: ADDRESS_BASE, bootDelayMs: GUEST_BOOT_DELAY_MS } });
  try {
    const vmsBefore = env.sim.objects("VM").length;
    const results = new Map<number, Measurement>();
    for (const concurrency of CONCURRENCIES) results.set(concurrency, await createRound(env.client, concurrency, env));
    for (const concurrency of CONCURRENCIES.slice(1)) printRatio(`concurrency ${concurrency} vs 1`, results.get(concurrency)!, results.get(1)!);
    console.log(`VMs left: ${env.sim.objects("VM").length - vmsBefore}`);
  } finally {
    await closeAllSshConnections();
    await env.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
