/**
 * Issue #15 item 7: the per-pool create limit holds. N XcpngLuaVM creates started at once in one
 * provider process never have more than `bioxen:maxConcurrentCreates` VMs mid-create on the pool
 * (marker "creating", seen by sampling the simulator's store), and the same measurement with a
 * limit of N sees more than that — so this test fails if the limiter stops limiting.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { setConfiguredValues } from "../../provider/runtime/config";
import type { XcpngSim } from "./support/xcpng-sim";
import { useXcpngSim } from "./support/xcpng-suite";
import { providerInputs } from "../support/xcpng-inputs";

const CREATES = 4;
const sim = useXcpngSim({ addressBase: "127.92", provider: true });
let env: XcpngSim;
beforeAll(() => {
  env = sim();
});

/** VMs whose create has begun and not finished (marker state "creating"). */
function creatingNow(): number {
  return env.sim.objects("VM").filter((o) => (o.record.other_config as Record<string, string>)["bioxen:state"] === "creating").length;
}

/** Runs CREATES creates at once with `limit`; returns the most VMs ever mid-create at one time. */
async function peakConcurrency(limit: number): Promise<number> {
  setConfiguredValues({ xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password, sshUser: env.user, maxConcurrentCreates: String(limit) });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, creatingNow())), 5);
  const made: Array<{ id: string; outs: Record<string, unknown> }> = [];
  try {
    const results = await Promise.allSettled(
      Array.from({ length: CREATES }, async (_, i) => {
        const { inputs } = await impl.check({}, providerInputs(env, `limit-${limit}-${i}`, { timeouts: { create: 60, ready: 60, delete: 30 } }));
        const created = await impl.create(inputs);
        made.push({ id: created.id, outs: created.outs! });
      }),
    );
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed, String((failed[0] as PromiseRejectedResult | undefined)?.reason)).toEqual([]);
    return peak;
  } finally {
    clearInterval(sampler);
    for (const vm of made) await impl.delete(vm.id, vm.outs);
  }
}

describe("per-pool create limit (bioxen:maxConcurrentCreates, per provider process)", () => {
  it(`never has more than 2 of ${CREATES} concurrent creates running at once with the limit 2`, async () => {
    expect(await peakConcurrency(2)).toBe(2);
  });

  it(`sees more than 2 at once with the limit ${CREATES} (the measurement would catch a missing limiter)`, async () => {
    expect(await peakConcurrency(CREATES)).toBeGreaterThan(2);
  });
});
