/**
 * Scale (issue #12 target 5): the XAPI calls and bytes of one XcpngLuaVM create, refresh and
 * delete through the provider, counted by the simulator, in a pool of 2,000 VMs against a pool
 * of 10 (test/support/resource-traffic.ts; real sshd guests). The counts are deterministic up to
 * one `event.from`, so one round says it all; the ratio is 2,000-VM pool / 10-VM pool.
 */
import { measureResourceTraffic, type ResourceTraffic } from "../../test/support/resource-traffic";
import { compareInRounds, type Comparison } from "./rounds";

/** Guest addresses of this bench (127.91.x.y), apart from the test suites' ranges. */
const ADDRESS_BASE = "127.91";
const OPERATIONS = { create: "create", read: "refresh (read)", delete: "delete" } as const;

function countsOf(traffic: ResourceTraffic): Record<string, number> {
  return Object.fromEntries(
    Object.keys(OPERATIONS).flatMap((op) => {
      const { calls, bytes } = traffic[op as keyof typeof OPERATIONS];
      return [
        [`${op}Calls`, calls],
        [`${op}Bytes`, bytes],
      ];
    }),
  );
}

/** One round: the 10-VM pool, then the 2,000-VM pool. */
export async function compareScale(): Promise<Comparison[]> {
  const measures = Object.fromEntries(
    Object.entries(OPERATIONS).flatMap(([op, text]) => [
      [`${op}Calls`, { workload: `scale: one XcpngLuaVM ${text}, XAPI calls`, unit: "calls", target: 1.1 }],
      [`${op}Bytes`, { workload: `scale: one XcpngLuaVM ${text}, XAPI bytes (both ways)`, unit: "bytes", target: 1.1 }],
    ]),
  );
  return compareInRounds({
    rounds: 1,
    ours: { name: "2,000-VM pool", run: async () => countsOf(await measureResourceTraffic(2_000, ADDRESS_BASE)) },
    peer: { name: "10-VM pool", run: async () => countsOf(await measureResourceTraffic(10, ADDRESS_BASE)) },
    measures,
  });
}
