/** Batches of VM creates for the provisioning benchmarks: clone-ready VMs on the management network (test/support/xcpng-inputs `vmSpec`). */
import { performance } from "node:perf_hooks";
import { Semaphore } from "../../sdk/base/semaphore";
import { closeAllSshConnections } from "../../sdk/ssh";
import { destroyXcpngLuaVm, ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import type { XapiClient } from "../../sdk/xapi";
import type { SshGuestLogin } from "../../test/support/sim";
import { vmSpec } from "../../test/support/xcpng-inputs";

/** Deadlines of a benchmark create/delete: generous, so a slow machine fails loudly instead of hanging. */
export const BENCH_DEADLINES = { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 };

/**
 * Creates `count` VMs (`<prefix>-vm<i>`) with at most `concurrency` creates in flight and returns
 * the wall time in ms; destroys every VM it made afterwards (not timed), also after a failure.
 */
export async function createBatch(client: XapiClient, login: SshGuestLogin, batch: { prefix: string; count: number; concurrency: number }): Promise<number> {
  const limiter = new Semaphore(batch.concurrency);
  const specs = Array.from({ length: batch.count }, (_, i) => vmSpec(login, `${batch.prefix}-vm${i}`));
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
