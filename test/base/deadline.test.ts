import { afterEach, describe, expect, it, vi } from "vitest";
import { remainingOf } from "../../sdk/base/deadline";
import { BioxenAbortError, Deadline, isAbort, isTimeout, SshError, Wait, WaitError, withDeadline, XapiError, XapiWaitError } from "../../index";

describe("Deadline", () => {
  it("is built from now or from an epoch time, and a number option means ms from now", () => {
    const before = Date.now();
    expect(Deadline.in(1_000).endsAt).toBeGreaterThanOrEqual(before + 1_000);
    expect(Deadline.at(before + 5).endsAt).toBe(before + 5);
    const fromNumber = Deadline.from(2_000_000_000_000, "a wait");
    expect(fromNumber.endsAt).toBeGreaterThanOrEqual(before + 2_000_000_000_000);
    const given = Deadline.in(10);
    expect(Deadline.from(given, "a wait")).toBe(given);
    expect(Deadline.at(before - 1).expired()).toBe(true);
    expect(() => Deadline.from(Number.NaN, "task X")).toThrow(/deadline for task X must be a Deadline or a number of milliseconds/);
  });
});

describe("Wait and withDeadline", () => {
  it("ends at the deadline with a timeout and on the caller's abort with an abort", async () => {
    const timedOut = await withDeadline({ deadline: 20 }, "the answer", () => new Promise(() => undefined)).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(WaitError);
    expect(timedOut).toMatchObject({ reason: "timeout", code: "BIOXEN_TIMEOUT", what: "the answer" });
    expect(isTimeout(timedOut)).toBe(true);
    const controller = new AbortController();
    const pending = withDeadline({ deadline: 60_000, signal: controller.signal }, "the answer", () => new Promise(() => undefined));
    controller.abort(new Error("stop"));
    const aborted = await pending.catch((e: unknown) => e);
    expect(aborted).toMatchObject({ reason: "aborted", code: "BIOXEN_ABORTED" });
    expect(isAbort(aborted)).toBe(true);
    expect(isTimeout(aborted)).toBe(false);
  });

  it("hands the work its signal and returns the work's result", async () => {
    expect(await withDeadline({ deadline: Deadline.in(1_000) }, "x", async (signal) => signal.aborted)).toBe(false);
  });

  it("builds a subsystem's own error and clears its timer when done", () => {
    const wait = new Wait({ deadline: 0 }, "task T", (what, reason, waited) => new XapiWaitError(what, reason, waited));
    expect(() => wait.check()).toThrow(XapiWaitError);
    wait.done();
    expect(new Wait({ deadline: Infinity }, "forever").remainingMs()).toBe(Infinity);
  });
});

describe("isTimeout / isAbort", () => {
  it("read the one code of every class, and the platform's TimeoutError / AbortError", () => {
    expect(isTimeout(new SshError("TIMEOUT", "ssh://x", "slow"))).toBe(true);
    expect(isAbort(new SshError("ABORTED", "ssh://x", "stopped"))).toBe(true);
    expect(new SshError("AUTH_FAILED", "ssh://x", "no").code).toBe("BIOXEN_SSH");
    expect(isTimeout(new DOMException("t", "TimeoutError"))).toBe(true);
    expect(isAbort(new BioxenAbortError("x: aborted"))).toBe(true);
    const xapi = new XapiError("HANDLE_INVALID", ["VM", "OpaqueRef:x"], "VM.get_record");
    expect(xapi).toMatchObject({ code: "BIOXEN_XAPI", xapiCode: "HANDLE_INVALID" });
    expect(isTimeout(xapi) || isAbort(xapi)).toBe(false);
  });
});

describe("remainingOf", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gives a number of milliseconds as is, even when the clock ticks while it reads it", () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now++);
    expect(remainingOf(1000, "a call")).toBe(1000);
    expect(remainingOf(-5, "a call")).toBe(0);
    expect(remainingOf(Infinity, "a call")).toBe(2 ** 31 - 1);
    expect(remainingOf(Deadline.at(now + 500), "a call")).toBeLessThanOrEqual(500);
    expect(() => remainingOf(Number.NaN, "a call")).toThrow(RangeError);
  });
});
