/**
 * Issue #12 target 5: the XAPI calls and bytes of one XcpngLuaVM create, refresh and delete do
 * not grow with the pool. Counted by the simulator (deterministic up to one extra `event.from`
 * when a wait races a change), in pools pre-filled with 10 and 2,000 VMs (each with a disk, a VIF
 * on the management network and another stack's marker).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { measureResourceTraffic, type ResourceTraffic } from "../support/resource-traffic";

/** Guest addresses of this suite (127.90.x.y), apart from the other suites' ranges. */
const ADDRESS_BASE = "127.90";
const MAX_RATIO = 1.1;
const OPERATIONS = ["create", "read", "delete"] as const;

let small: ResourceTraffic;
let large: ResourceTraffic;

beforeAll(async () => {
  small = await measureResourceTraffic(10, ADDRESS_BASE);
  large = await measureResourceTraffic(2_000, ADDRESS_BASE);
}, 180_000);

describe("XcpngLuaVM XAPI traffic at pool scale", () => {
  it("runs in pools of about 10 and 2,000 VMs", () => {
    expect(large.poolVms - small.poolVms).toBe(1_990);
  });

  for (const operation of OPERATIONS) {
    it(`${operation}: calls and bytes in the 2,000-VM pool are within ${MAX_RATIO}x of the 10-VM pool`, () => {
      const [few, many] = [small[operation], large[operation]];
      const detail = `10 VMs: ${JSON.stringify(few)}\n2,000 VMs: ${JSON.stringify(many)}`;
      expect(few.calls, detail).toBeGreaterThan(0);
      expect(many.calls / few.calls, detail).toBeLessThanOrEqual(MAX_RATIO);
      expect(many.bytes / few.bytes, detail).toBeLessThanOrEqual(MAX_RATIO);
    });

    it(`${operation}: lists no class (no get_all / get_all_records)`, () => {
      const listing = Object.keys(large[operation].byMethod).filter((method) => /\.get_all(_records)?$/.test(method) && method !== "pool.get_all");
      expect(listing).toEqual([]);
    });
  }
});
