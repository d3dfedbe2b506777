/**
 * Creates 6 Lua VMs through sdk/vm/xcpng `ensureXcpngLuaVm` against the pool simulator with real
 * sshd guests and the default latency model (clone 50 ms, start 100 ms, guest agent 500 ms after
 * boot, …), at create concurrency 1, 2 (the provider's per-pool default) and 6; every VM is
 * destroyed after each round. One run; read the wall-time ratios.
 * Usage: npx tsx bench/create-vms.ts
 */
import { closeAllSshConnections } from "../sdk/ssh";
import { Semaphore } from "../sdk/base/semaphore";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, type XcpngLuaVmSpec } from "../sdk/vm/xcpng";
import type { XapiClient } from "../sdk/xapi";
import { SEEDED, TEMPLATES } from "../sim";
import { startTestSim, type SshGuestLogin } from "../test/support/sim";
import { measure, printRatio, type Measurement } from "./support/measure";

const VMS = 6;
const CONCURRENCIES = [1, 2, 6] as const;
/** Guest addresses of this bench (127.88.x.y), apart from the test suites' ranges. */
const ADDRESS_BASE = "127.88";
/** The simulator's default guest agent delay (the tests' fast setup shortens it). */
const GUEST_BOOT_DELAY_MS = 500;
const DEADLINES = { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 };

function specFor(index: number, round: number, login: SshGuestLogin): XcpngLuaVmSpec {
  return {
    owner: `bench/create-vms/XcpngLuaVM/r${round}-vm${index}`,
    name: `bench-r${round}-vm${index}`,
    template: TEMPLATES.cloneReady,
    cloneMode: "clone",
    vcpus: 1,
    memoryMiB: 512,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { user: login.user, port: login.sshPort, privateKey: login.keys.private },
    luaInterpreter: "lua5.4",
    tags: ["bench"],
    powerState: "running",
    allowRestart: false,
  };
}

/** Creates VMS VMs with at most `concurrency` creates in flight, then destroys them (not timed). */
async function createRound(client: XapiClient, concurrency: number, login: SshGuestLogin): Promise<Measurement> {
  const limiter = new Semaphore(concurrency);
  const specs = Array.from({ length: VMS }, (_, i) => specFor(i, concurrency, login));
  const created: Array<{ owner: string; vmUuid: string }> = [];
  try {
    return await measure(`${VMS} VMs, create concurrency ${concurrency}`, VMS, async () => {
      // allSettled: on a failure the other creates still finish, so the cleanup below sees every VM.
      const outcomes = await Promise.allSettled(
        specs.map((spec) =>
          limiter.run(async () => {
            const state = await ensureXcpngLuaVm(client, spec, DEADLINES);
            created.push({ owner: spec.owner, vmUuid: state.vmUuid });
          }),
        ),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failed) throw failed.reason;
    });
  } finally {
    await Promise.all(created.map((vm) => destroyXcpngLuaVm(client, vm.vmUuid, vm.owner, { adopted: false }, DEADLINES)));
    await closeAllSshConnections();
  }
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
