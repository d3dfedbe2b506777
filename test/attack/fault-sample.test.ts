/**
 * The fault matrix's sample is a function of the seed and of the cases that exist: a recorded
 * run with a few more or fewer event.from calls (their count varies between runs) samples the
 * same cases.
 */
import { describe, expect, it } from "vitest";
import { caseKey, FAULT_KINDS, faultPoints, OPERATIONS, sampleCases, type RecordedOperations } from "./support/fault-points";

/** A recorded run shaped like the attack stack's (methods repeat; event.from between waits). */
function recorded(eventFroms: (operation: string, i: number) => number): RecordedOperations {
  const shapes = {
    create: ["session.login_with_password", "VM.get_by_name_label", "Async.VM.clone", "VM.get_record", "VIF.create", "VM.start", "VM.get_power_state", "VM.get_guest_metrics", "network.create", "VM.get_allowed_VIF_devices", "VIF.create", "session.logout"],
    update: ["session.login_with_password", "VM.get_record", "VM.clean_shutdown", "VM.set_memory_limits", "VM.start", "VM.get_power_state", "network.set_name_label", "session.logout"],
    delete: ["session.login_with_password", "VIF.unplug", "VIF.destroy", "network.destroy", "VM.hard_shutdown", "VDI.destroy", "VM.destroy", "SR.get_content_type", "session.logout"],
  };
  const withEvents = (operation: keyof typeof shapes) => shapes[operation].flatMap((method, i) => [method, ...Array<string>(eventFroms(operation, i)).fill("event.from")]);
  return { create: withEvents("create"), update: withEvents("update"), delete: withEvents("delete") };
}

const keys = (seed: number, run: RecordedOperations, count = 8) => sampleCases(faultPoints(run), count, seed).map(caseKey);

describe("sampleCases", () => {
  it("picks the same cases for a seed whether a run recorded more, fewer or no event.from calls", () => {
    const base = keys(16, recorded(() => 1));
    expect(keys(16, recorded((op, i) => (op === "create" ? i % 3 : 2)))).toEqual(base);
    expect(keys(16, recorded(() => 0))).toEqual(base);
    expect(keys(16, recorded((_, i) => 1 + (i % 2) * 4))).toEqual(base);
  });

  it("never picks an event.from, never the same case twice, and takes the kinds and operations in turn", () => {
    const picked = sampleCases(faultPoints(recorded(() => 3)), 12, 7);
    expect(picked.some((c) => c.method === "event.from")).toBe(false);
    expect(new Set(picked.map(caseKey)).size).toBe(picked.length);
    expect(picked.map((c) => c.kind)).toEqual(Array.from({ length: 12 }, (_, i) => FAULT_KINDS[i % FAULT_KINDS.length]));
    expect(picked.map((c) => c.operation)).toEqual(Array.from({ length: 12 }, (_, i) => OPERATIONS[i % OPERATIONS.length]));
  });

  it("is the same for the same seed and differs between seeds", () => {
    const run = recorded(() => 1);
    expect(keys(16, run)).toEqual(keys(16, run));
    expect(new Set([1, 2, 3, 4, 5].map((seed) => keys(seed, run).join("|"))).size).toBeGreaterThan(1);
  });
});
