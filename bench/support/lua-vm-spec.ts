/** What the provisioning benchmarks create: clone-ready VMs on the management network, one at a time or in batches. */
import { performance } from "node:perf_hooks";
import { Semaphore } from "../../sdk/base/semaphore";
import { closeAllSshConnections } from "../../sdk/ssh";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, type XcpngLuaVmSpec } from "../../sdk/vm/xcpng";
import type { XapiClient } from "../../sdk/xapi";
import { SEEDED, TEMPLATES } from "../../sim";
import type { SshGuestLogin } from "../../test/support/sim";

/** Deadlines of a benchmark create/delete: generous, so a slow machine fails loudly instead of hanging. */
export const BENCH_DEADLINES = { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 };

/** A one-vCPU, 512 MiB VM named `name`, owned by `bench/<name>`, reached as the sim guests' `login`. */
export function benchVmSpec(name: string, login: SshGuestLogin): XcpngLuaVmSpec {
  return {
    owner: `bench/XcpngLuaVM/${name}`,
    name,
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

/**
 * Creates `count` VMs (`<prefix>-vm<i>`) with at most `concurrency` creates in flight and returns
 * the wall time in ms; destroys every VM it made afterwards (not timed), also after a failure.
 */
export async function createBatch(client: XapiClient, login: SshGuestLogin, batch: { prefix: string; count: number; concurrency: number }): Promise<number> {
  const limiter = new Semaphore(batch.concurrency);
  const specs = Array.from({ length: batch.count }, (_, i) => benchVmSpec(`${batch.prefix}-vm${i}`, login));
  const created: Array<{ owner: string; vmUuid: string }> = [];
  try {
    const started = performance.now();
    // allSettled: on a failure the other creates still finish, so the cleanup below sees every VM.
    const outcomes = await Promise.allSettled(
      specs.map((spec) =>
        limiter.run(async () => {
          const state = await ensureXcpngLuaVm(client, spec, BENCH_DEADLINES);
          created.push({ owner: spec.owner, vmUuid: state.vmUuid });
        }),
      ),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    return performance.now() - started;
  } finally {
    await Promise.all(created.map((vm) => destroyXcpngLuaVm(client, vm.vmUuid, vm.owner, { adopted: false }, BENCH_DEADLINES)));
    await closeAllSshConnections();
  }
}
